"""Debian's Eclipse Paho for Python (python3-paho-mqtt) against an edge: PahoClientsIT runs it.

Usage: paho_client.py HOST PORT PREFIX
A subscriber takes PREFIX/# at QoS 2; a publisher sends one message at each QoS (the QoS 2 one retained);
a third client then subscribes to the retained topic. Prints one line per message received:
"<who> <topic> <qos> <retain> <payload>", and exits 0 when all arrived within 20 s.
"""
import sys
import threading

import paho.mqtt.client as mqtt

host, port, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = []
lock = threading.Lock()


def client(name, expected, topic):
    done = threading.Event()
    subscribed = threading.Event()
    got = []
    c = mqtt.Client(client_id="py-" + name + "-" + prefix.replace("/", "-"), clean_session=True,
                    protocol=mqtt.MQTTv311)
    c.username_pw_set("py-" + name, "unused")

    def on_connect(cl, userdata, flags, rc):
        if rc != 0:
            print("CONNACK", rc, file=sys.stderr)
            sys.exit(2)
        cl.subscribe(topic, qos=2)

    def on_subscribe(cl, userdata, mid, granted):
        subscribed.set()

    def on_message(cl, userdata, msg):
        with lock:
            lines.append("%s %s %d %d %s" % (name, msg.topic, msg.qos, 1 if msg.retain else 0, msg.payload.decode()))
        got.append(msg)
        if len(got) >= expected:
            done.set()

    c.on_connect = on_connect
    c.on_subscribe = on_subscribe
    c.on_message = on_message
    c.connect(host, port, keepalive=30)
    c.loop_start()
    if not subscribed.wait(20):
        print(name, "not subscribed", file=sys.stderr)
        sys.exit(3)
    return c, done


sub, sub_done = client("sub", 3, prefix + "/#")

pub = mqtt.Client(client_id="py-pub-" + prefix.replace("/", "-"), clean_session=True, protocol=mqtt.MQTTv311)
pub.username_pw_set("py-pub", "unused")
pub.connect(host, port, keepalive=30)
pub.loop_start()
for qos in (0, 1, 2):
    info = pub.publish(prefix + "/q%d" % qos, "hello %d" % qos, qos=qos, retain=(qos == 2))
    info.wait_for_publish(20)
if not sub_done.wait(20):
    print("subscriber got", lines, file=sys.stderr)
    sys.exit(4)

late, late_done = client("late", 1, prefix + "/q2")
if not late_done.wait(20):
    print("late subscriber got nothing", file=sys.stderr)
    sys.exit(5)

for c in (sub, pub, late):
    c.disconnect()
    c.loop_stop()
for line in sorted(lines):
    print(line)
