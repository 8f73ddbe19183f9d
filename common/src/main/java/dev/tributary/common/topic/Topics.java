package dev.tributary.common.topic;

/**
 * MQTT topic names and topic filters: validation and matching, in the one place that the
 * edge's topic tree, the ACL check and the Kafka mapping rules all use, so they agree exactly
 * on {@code +}, {@code #} and {@code $}.
 */
public final class Topics {

    /** MQTT strings are length-prefixed with two bytes [MQTT-1.5.3]. */
    public static final int MAX_UTF8_LENGTH = 65_535;

    private Topics() {
    }

    /**
     * Why {@code name} cannot be a PUBLISH topic name, or {@code null} when it can.
     * [MQTT-4.7.3-1] at least one character; [MQTT-3.3.2-2] no wildcard characters;
     * [MQTT-1.5.3-2] no U+0000.
     */
    public static String nameProblem(String name, TopicLimits limits) {
        if (name == null || name.isEmpty()) {
            return "empty topic name";
        }
        String common = commonProblem(name, limits);
        if (common != null) {
            return common;
        }
        if (name.indexOf('+') >= 0 || name.indexOf('#') >= 0) {
            return "wildcard in topic name";
        }
        return null;
    }

    /**
     * Why {@code filter} cannot be a subscription filter, or {@code null} when it can.
     * [MQTT-4.7.1-2] {@code #} alone in the last level; [MQTT-4.7.1-3] {@code +} alone in its level.
     */
    public static String filterProblem(String filter, TopicLimits limits) {
        if (filter == null || filter.isEmpty()) {
            return "empty topic filter";
        }
        String common = commonProblem(filter, limits);
        if (common != null) {
            return common;
        }
        int length = filter.length();
        for (int i = 0; i < length; i++) {
            char c = filter.charAt(i);
            if (c != '+' && c != '#') {
                continue;
            }
            boolean aloneBefore = i == 0 || filter.charAt(i - 1) == '/';
            boolean aloneAfter = i == length - 1 || filter.charAt(i + 1) == '/';
            if (!aloneBefore || !aloneAfter) {
                return "'" + c + "' must occupy a whole topic level";
            }
            if (c == '#' && i != length - 1) {
                return "'#' must be the last level";
            }
        }
        return null;
    }

    private static String commonProblem(String topic, TopicLimits limits) {
        if (topic.indexOf('\u0000') >= 0) {
            return "U+0000 in topic";
        }
        int bytes = utf8Length(topic);
        if (bytes > limits.maxLength()) {
            return "topic longer than " + limits.maxLength() + " bytes";
        }
        if (levelCount(topic) > limits.maxLevels()) {
            return "topic has more than " + limits.maxLevels() + " levels";
        }
        return null;
    }

    public static boolean isValidName(String name) {
        return nameProblem(name, TopicLimits.SPEC) == null;
    }

    public static boolean isValidFilter(String filter) {
        return filterProblem(filter, TopicLimits.SPEC) == null;
    }

    public static boolean isWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    /**
     * Whether a valid {@code filter} matches a valid topic {@code name}. A filter starting with a
     * wildcard does not match a name starting with {@code $} [MQTT-4.7.2-1]; {@code a/#} also
     * matches {@code a} [MQTT-4.7.1-2]. Walks both strings level by level without allocating.
     */
    public static boolean matches(String filter, String name) {
        if (name.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        int f = 0;
        int n = 0;
        while (true) {
            int fEnd = indexOfSlash(filter, f);
            int fLevel = fEnd - f;
            if (fLevel == 1 && filter.charAt(f) == '#') {
                return true;
            }
            int nEnd = indexOfSlash(name, n);
            boolean plus = fLevel == 1 && filter.charAt(f) == '+';
            if (!plus && (fLevel != nEnd - n || !filter.regionMatches(f, name, n, fLevel))) {
                return false;
            }
            boolean filterDone = fEnd == filter.length();
            boolean nameDone = nEnd == name.length();
            if (filterDone && nameDone) {
                return true;
            }
            if (filterDone) {
                return false;
            }
            if (nameDone) {
                // only a trailing "/#" is left to match the parent level
                return filter.length() - fEnd == 2 && filter.charAt(fEnd + 1) == '#';
            }
            f = fEnd + 1;
            n = nEnd + 1;
        }
    }

    /**
     * {@code filter} prepared for matching many topics, as {@link #matches} does: the shapes most filters
     * have ({@code #}, {@code prefix/#}, a topic without wildcards) are matched with one string comparison.
     */
    public static Prepared prepare(String filter) {
        return new Prepared(filter);
    }

    /** A valid filter prepared by {@link #prepare}; immutable. */
    public static final class Prepared {

        private static final int EVERYTHING = 0;
        private static final int EXACT = 1;
        private static final int SUBTREE = 2;
        private static final int OTHER = 3;

        private final String filter;
        private final int shape;
        /** For SUBTREE: the filter without its final {@code #}, ending in {@code /}. */
        private final String prefix;

        private Prepared(String filter) {
            this.filter = filter;
            String head = filter.endsWith("/#") ? filter.substring(0, filter.length() - 1) : null;
            if (filter.equals("#")) {
                shape = EVERYTHING;
            } else if (!isWildcard(filter)) {
                shape = EXACT;
            } else if (head != null && !isWildcard(head)) {
                shape = SUBTREE;
            } else {
                shape = OTHER;
            }
            prefix = shape == SUBTREE ? head : null;
        }

        public String filter() {
            return filter;
        }

        public boolean matches(String name) {
            return switch (shape) {
                case EVERYTHING -> !name.startsWith("$"); // [MQTT-4.7.2-1]
                case EXACT -> filter.equals(name);
                // a/# matches a/… and a itself [MQTT-4.7.1-2]
                case SUBTREE -> name.startsWith(prefix)
                        || (name.length() == prefix.length() - 1 && prefix.startsWith(name));
                default -> Topics.matches(filter, name);
            };
        }
    }

    private static int indexOfSlash(String s, int from) {
        int i = s.indexOf('/', from);
        return i < 0 ? s.length() : i;
    }

    /**
     * Whether the first levels of two filters are different literals, found without splitting: then no
     * topic matches both. The cheap first test before the level-by-level ones below.
     */
    private static boolean firstLevelsDiffer(String a, String b) {
        int endA = indexOfSlash(a, 0);
        int endB = indexOfSlash(b, 0);
        boolean wildA = endA == 1 && (a.charAt(0) == '+' || a.charAt(0) == '#');
        boolean wildB = endB == 1 && (b.charAt(0) == '+' || b.charAt(0) == '#');
        return !wildA && !wildB && (endA != endB || !a.regionMatches(0, b, 0, endA));
    }

    /**
     * Whether every topic that {@code filter} matches is also matched by {@code wider}: a subscription
     * to {@code filter} can receive nothing {@code wider} does not allow. Wildcards in {@code filter}
     * are read as wildcards, so {@code +} is covered only by {@code +} or {@code #}.
     */
    public static boolean covers(String wider, String filter) {
        if (filter.startsWith("$") && (wider.startsWith("+") || wider.startsWith("#"))) {
            return false; // [MQTT-4.7.2-1] wildcards at the start never reach $ topics
        }
        if (firstLevelsDiffer(wider, filter)) {
            return false;
        }
        String[] w = levels(wider);
        String[] f = levels(filter);
        for (int i = 0; i < w.length; i++) {
            if (w[i].equals("#")) {
                return true;
            }
            if (i == f.length) {
                return false;
            }
            if (f[i].equals("#") || (!w[i].equals("+") && (f[i].equals("+") || !w[i].equals(f[i])))) {
                return false;
            }
        }
        return f.length == w.length;
    }

    /** Whether some topic is matched by both filters. */
    public static boolean overlaps(String a, String b) {
        if ((a.startsWith("$") && (b.startsWith("+") || b.startsWith("#")))
                || (b.startsWith("$") && (a.startsWith("+") || a.startsWith("#")))) {
            return false;
        }
        if (firstLevelsDiffer(a, b)) {
            return false;
        }
        String[] x = levels(a);
        String[] y = levels(b);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i].equals("#") || y[i].equals("#")) {
                return true;
            }
            if (!x[i].equals("+") && !y[i].equals("+") && !x[i].equals(y[i])) {
                return false;
            }
        }
        // the longer one may only go on with "#", which also matches the parent level
        String[] longer = x.length > y.length ? x : y;
        int shorter = Math.min(x.length, y.length);
        return x.length == y.length || (longer.length == shorter + 1 && longer[shorter].equals("#"));
    }

    /**
     * The filter matching exactly the topics that both filters match, or null when no topic is matched by both.
     * Two filters always meet in one filter: level by level a literal meets {@code +} as itself and another
     * literal only if equal, and from the first {@code #} on the other filter goes on unchanged (so
     * {@code a/#} and {@code a} meet in {@code a} [MQTT-4.7.1-2]). A {@code $} topic is in the meet only
     * if neither filter starts with a wildcard [MQTT-4.7.2-1].
     */
    public static String intersection(String a, String b) {
        if (firstLevelsDiffer(a, b)) {
            return null;
        }
        String[] x = levels(a);
        String[] y = levels(b);
        int hashX = x[x.length - 1].equals("#") ? x.length - 1 : -1;
        int hashY = y[y.length - 1].equals("#") ? y.length - 1 : -1;
        int paired;
        String[] tail;
        int tailFrom;
        if (hashX < 0 && hashY < 0) {
            if (x.length != y.length) {
                return null;
            }
            paired = x.length;
            tail = y;
            tailFrom = y.length;
        } else if (hashY < 0 || (hashX >= 0 && hashX <= hashY)) {
            if (y.length < hashX) {
                return null;
            }
            paired = hashX;
            tail = y;
            tailFrom = hashX;
        } else {
            if (x.length < hashY) {
                return null;
            }
            paired = hashY;
            tail = x;
            tailFrom = hashY;
        }
        StringBuilder meet = new StringBuilder(Math.max(a.length(), b.length()));
        for (int i = 0; i < paired; i++) {
            String level;
            if (x[i].equals("+")) {
                level = y[i];
            } else if (y[i].equals("+") || x[i].equals(y[i])) {
                level = x[i];
            } else {
                return null;
            }
            if (i > 0) {
                meet.append('/');
            }
            meet.append(level);
        }
        for (int i = tailFrom; i < tail.length; i++) {
            if (i > 0) {
                meet.append('/');
            }
            meet.append(tail[i]);
        }
        String result = meet.toString();
        boolean wildcardFirst = a.startsWith("+") || a.startsWith("#") || b.startsWith("+") || b.startsWith("#");
        return wildcardFirst && result.startsWith("$") ? null : result;
    }

    /** Splits on {@code /}, keeping empty levels ({@code "/a/"} has three levels). */
    public static String[] levels(String topic) {
        int count = levelCount(topic);
        String[] levels = new String[count];
        int start = 0;
        for (int i = 0; i < count - 1; i++) {
            int slash = topic.indexOf('/', start);
            levels[i] = topic.substring(start, slash);
            start = slash + 1;
        }
        levels[count - 1] = topic.substring(start);
        return levels;
    }

    /** Level {@code index} (from 0) of {@code topic}, as {@link #levels} would give it, without splitting the rest. */
    public static String level(String topic, int index) {
        int start = 0;
        for (int i = 0; i < index; i++) {
            int slash = topic.indexOf('/', start);
            if (slash < 0) {
                throw new IndexOutOfBoundsException("'" + topic + "' has no level " + index);
            }
            start = slash + 1;
        }
        return topic.substring(start, indexOfSlash(topic, start));
    }

    public static int levelCount(String topic) {
        int count = 1;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                count++;
            }
        }
        return count;
    }

    /** The UTF-8 encoded length, counted without encoding. */
    public static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
