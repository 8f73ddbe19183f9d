// Topic explorer: the topic tree as it grows, with retained values and message rates.
// Only opened branches are drawn, and at most CHILDREN_SHOWN children of any branch.

import { TopicTree } from './topic-tree.js';
import { naturalOrder } from './natural-order.js';

const CHILDREN_SHOWN = 200;
const FOUND_SHOWN = 200;

export class ExplorerView {
  constructor(tree) {
    this.tree = tree;
    this.open = new Set();
    this.list = document.getElementById('explorer-tree');
    this.filter = document.getElementById('explorer-filter');
    this.filter.addEventListener('input', () => this.render());
    this.list.addEventListener('click', (e) => {
      const name = e.target.closest('.name');
      if (!name) {
        return;
      }
      const path = name.parentElement.dataset.topic;
      if (this.open.has(path)) {
        this.open.delete(path);
      } else {
        this.open.add(path);
      }
      this.render();
    });
  }

  render() {
    document.getElementById('explorer-count').textContent = this.tree.topics.size + ' topics';
    document.getElementById('explorer-dropped').textContent = this.tree.refused
      ? this.tree.refused + ' messages on topics beyond the explorer limit were counted, not kept' : '';
    const text = this.filter.value.trim();
    if (text) {
      this.list.replaceChildren(...this.tree.find(text, FOUND_SHOWN).map((node) => item(node, node.path, false)));
    } else {
      this.list.replaceChildren(...this.children(this.tree.root));
    }
  }

  children(node) {
    const sorted = [...node.children.values()].sort((a, b) => naturalOrder(a.name, b.name));
    const items = sorted.slice(0, CHILDREN_SHOWN).map((child) => {
      const open = this.open.has(child.path);
      const li = item(child, child.name || '(empty level)', child.children.size > 0 ? (open ? '▾' : '▸') : '');
      if (open && child.children.size > 0) {
        const ul = document.createElement('ul');
        ul.replaceChildren(...this.children(child));
        li.appendChild(ul);
      }
      return li;
    });
    if (sorted.length > CHILDREN_SHOWN) {
      const more = document.createElement('li');
      more.textContent = '… ' + (sorted.length - CHILDREN_SHOWN) + ' more: search to find them';
      items.push(more);
    }
    return items;
  }
}

function item(node, label, marker) {
  const li = document.createElement('li');
  li.dataset.topic = node.path;
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = (marker ? marker + ' ' : '') + label;
  li.appendChild(name);
  const meta = document.createElement('span');
  meta.className = 'meta';
  if (node.children.size > 0) {
    const totals = TopicTree.totals(node);
    meta.textContent = totals.topics + ' topics, ' + totals.messages + ' messages';
  } else {
    meta.textContent = node.messages + ' messages, ' + node.rate.toFixed(1) + ' msg/s';
  }
  li.appendChild(meta);
  if (node.preview !== null) {
    if (node.retained) {
      const badge = document.createElement('span');
      badge.className = 'retained';
      badge.textContent = 'retained';
      li.appendChild(badge);
    }
    const payload = document.createElement('span');
    payload.className = 'payload';
    payload.textContent = node.preview;
    li.appendChild(payload);
  }
  return li;
}
