package dev.halfmoon.remoting;

/** Durations as operators write them: a whole number and a unit (ms, s, m, h, d). Stateless. */
public final class Durations {
    private Durations() {
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h} or {@code 1d}.
     *
     * @return milliseconds, at least 0
     * @throws IllegalArgumentException saying what a duration looks like
     */
    public static long parseMs(String text) {
        String t = text == null ? "" : text.trim();
        int unitAt = 0;
        while (unitAt < t.length() && Character.isDigit(t.charAt(unitAt))) {
            unitAt++;
        }
        long unit = switch (t.substring(unitAt)) {
            case "ms" -> 1L;
            case "s" -> 1000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> -1L;
        };
        if (unitAt == 0 || unitAt > 12 || unit < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s, 5m, 2h or 1d");
        }
        try {
            return Math.multiplyExact(Long.parseLong(t.substring(0, unitAt)), unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is longer than any duration this can hold");
        }
    }
}
