import { naturalOrder } from './natural-order.js';

// The topic explorer's data: every topic seen, as a tree of levels, with message counts, rates,
// the last payload (a bounded preview) and whether it is retained. New topics beyond the limit are
// counted, not stored, so a fleet that keeps inventing topics cannot grow the tab without bound.

class TopicNode {
  constructor(name, path) {
    this.name = name;
    this.path = path;
    this.children = new Map();
    this.messages = 0; // on this exact topic
    this.rate = 0; // messages per second on this topic, smoothed
    this.countedAtLastTick = 0;
    this.preview = null;
    this.retained = false;
    this.lastAt = 0;
  }
}

export class TopicTree {
  constructor(limits) {
    this.maxTopics = limits.explorerTopics;
    this.previewBytes = limits.payloadPreviewBytes;
    this.root = new TopicNode('', '');
    this.topics = new Map(); // full topic -> node, for the flat search and the rate tick
    this.refused = 0;
    this.decoder = new TextDecoder('utf-8', { fatal: false });
  }

  message(topic, payload, retained, receivedAt) {
    let node = this.topics.get(topic);
    if (!node) {
      if (this.topics.size >= this.maxTopics) {
        this.refused++;
        return;
      }
      node = this.insert(topic);
    }
    node.messages++;
    node.lastAt = receivedAt;
    node.preview = this.decoder.decode(payload.subarray(0, this.previewBytes))
      + (payload.length > this.previewBytes ? '…' : '');
    // The retain flag is set only on messages the broker had stored when we subscribed
    // [MQTT-3.3.1-8, -9]; an empty retained payload means the stored value was deleted.
    if (retained) {
      node.retained = payload.length > 0;
    }
  }

  insert(topic) {
    let node = this.root;
    let path = '';
    for (const level of topic.split('/')) {
      path = node === this.root ? level : path + '/' + level;
      let child = node.children.get(level);
      if (!child) {
        child = new TopicNode(level, path);
        node.children.set(level, child);
      }
      node = child;
    }
    this.topics.set(topic, node);
    return node;
  }

  /** Updates every topic's rate from the messages since the last tick; called once a second. */
  tick(elapsedSeconds) {
    for (const node of this.topics.values()) {
      const fresh = (node.messages - node.countedAtLastTick) / elapsedSeconds;
      node.rate = node.rate * 0.5 + fresh * 0.5;
      node.countedAtLastTick = node.messages;
    }
  }

  /** Topics whose name contains the text, in name order, at most limit of them. */
  find(text, limit) {
    const out = [];
    for (const [topic, node] of this.topics) {
      if (topic.includes(text)) {
        out.push(node);
      }
    }
    out.sort((a, b) => naturalOrder(a.path, b.path));
    return out.slice(0, limit);
  }

  /** Messages and topics under a node (itself included). */
  static totals(node) {
    let messages = node.messages;
    let topics = node.preview !== null ? 1 : 0;
    for (const child of node.children.values()) {
      const t = TopicTree.totals(child);
      messages += t.messages;
      topics += t.topics;
    }
    return { messages, topics };
  }
}
