package dev.tributary.edge.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.tributary.edge.mqtt.Message;
import dev.tributary.edge.session.QueueSink;
import dev.tributary.edge.session.QueuedMessage;

/**
 * The queue records of one session going offline, written in order: the marker, what the session owed its
 * client, what remained unread of its previous queue (a session handed over before its queue was delivered),
 * what was held behind that queue; and meanwhile, once those are written, what is still routed to the session
 * ({@link #append}). Until then routed messages wait here, so nothing overtakes what is older.
 */
final class QueueHandOff implements QueueSink {

    private record Waiting(ProducerRecord<byte[], byte[]> record, CompletableFuture<Void> done) {
    }

    private final String clientId;
    private final QueueRecords records;
    private final ClusterSender sender;
    private final List<CompletableFuture<Void>> written = new ArrayList<>();
    private List<Waiting> waiting = new ArrayList<>();
    private boolean open;

    QueueHandOff(String clientId, QueueRecords records, ClusterSender sender) {
        this.clientId = clientId;
        this.records = records;
        this.sender = sender;
    }

    @Override
    public synchronized CompletionStage<Void> append(Message message, int qos) {
        ProducerRecord<byte[], byte[]> record = records.message(clientId, message, qos, 0);
        if (open) {
            return sender.send(List.of(record), false);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting.add(new Waiting(record, done));
        return done;
    }

    /** Writes what the session owed or held, in order. */
    synchronized void send(List<QueuedMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>(messages.size());
        for (QueuedMessage m : messages) {
            batch.add(records.message(clientId, m.message(), m.qos(), m.packetId()));
        }
        written.add(sender.send(batch, false).toCompletableFuture());
    }

    ProducerRecord<byte[], byte[]> copyOf(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        return records.copy(clientId, record);
    }

    /** Writes records of the previous queue again, in order. */
    synchronized void sendCopies(List<ProducerRecord<byte[], byte[]>> copies) {
        if (!copies.isEmpty()) {
            written.add(sender.send(copies, false).toCompletableFuture());
        }
    }

    /** Everything older is written: what waited follows, and what comes later goes straight on. */
    synchronized CompletableFuture<Void> open() {
        open = true;
        if (!waiting.isEmpty()) {
            List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>(waiting.size());
            waiting.forEach(w -> batch.add(w.record()));
            CompletableFuture<Void> sent = sender.send(batch, false).toCompletableFuture();
            for (Waiting w : waiting) {
                sent.whenComplete((ok, error) -> {
                    if (error != null) {
                        w.done().completeExceptionally(error);
                    } else {
                        w.done().complete(null);
                    }
                });
            }
            written.add(sent);
        }
        waiting = List.of();
        return CompletableFuture.allOf(written.toArray(CompletableFuture[]::new));
    }
}
