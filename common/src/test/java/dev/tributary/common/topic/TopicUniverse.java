package dev.tributary.common.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small world for brute-force checks of filter algebra: every topic of one to four levels over
 * {@code a}, {@code b} and {@code z} (a value no generated filter names, standing for all others), with
 * {@code $s} as a first level, and random filters over {@code a}, {@code b}, {@code +}, {@code #}, {@code $s}.
 */
public final class TopicUniverse {

    private TopicUniverse() {
    }

    public static List<String> topics() {
        List<String> topics = new ArrayList<>();
        List<String> current = List.of("a", "b", "z", "$s");
        for (int depth = 1; depth <= 4; depth++) {
            topics.addAll(current);
            List<String> next = new ArrayList<>();
            for (String prefix : current) {
                for (String level : List.of("a", "b", "z")) {
                    next.add(prefix + "/" + level);
                }
            }
            current = next;
        }
        return topics;
    }

    public static String randomFilter(Random random) {
        if (random.nextInt(10) == 0) {
            return "#";
        }
        String[] firstLevels = {"a", "b", "+", "$s"};
        String[] levels = {"a", "b", "+"};
        int count = random.nextInt(3) + 1;
        StringBuilder filter = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                filter.append('/');
            }
            filter.append(i == 0 ? firstLevels[random.nextInt(firstLevels.length)] : levels[random.nextInt(levels.length)]);
        }
        if (random.nextInt(3) == 0) {
            filter.append("/#");
        }
        return filter.toString();
    }
}
