package dev.fleet.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small plots as inline SVG, drawn here in Java: nothing to fetch, no script, the same in the native
 * build. A plot is a line over time or a row of bars, with its extremes written beside it. Every text
 * is escaped (it may come from a droplet or the state), and a line draws at most {@link #MAX_POINTS}
 * points however many it is given. Pure.
 */
public final class SvgPlot {

    /** Points a line draws at most: beyond, every n-th is kept (the last always). */
    public static final int MAX_POINTS = 1000;

    static final int WIDTH = 640;
    static final int HEIGHT = 150;
    private static final int LEFT = 44;
    private static final int RIGHT = 8;
    private static final int TOP = 10;
    private static final int BOTTOM = 22;

    /** A colour with a meaning, as the page's badges use them. */
    public enum Tone {
        GOOD("#2f9e55"), WARN("#d08c00"), BAD("#c73a3a"), QUIET("#9aa3b2");

        private final String fill;

        Tone(String fill) {
            this.fill = fill;
        }
    }

    /** A point: x grows to the right (time), y up from 0. */
    public record Point(double x, double y) {}

    /** A line's points in the order of x; {@code filled} shades the area under it. */
    public record Series(String name, Tone tone, boolean filled, List<Point> points) {
        public Series {
            points = List.copyOf(points);
        }
    }

    /** A bar: its height, colour, and what hovering it says. */
    public record Bar(double value, Tone tone, String tip) {}

    /**
     * Lines over a shared x axis, y from 0 to {@code yMax}.
     *
     * @param id     the svg element's id, for the page and its tests
     * @param title  what the plot shows, for people and screen readers
     * @param xFrom  the label under its left end, {@code xTo} under its right
     */
    public static String lines(String id, String title, List<Series> series, double yMax, String yLabel,
            String xFrom, String xTo) {
        List<Series> drawn = series.stream().map(s -> new Series(s.name(), s.tone(), s.filled(), bounded(s.points())))
                .toList();
        double xMin = drawn.stream().flatMap(s -> s.points().stream()).mapToDouble(Point::x).min().orElse(0);
        double xMax = drawn.stream().flatMap(s -> s.points().stream()).mapToDouble(Point::x).max().orElse(1);
        double top = yMax > 0 ? yMax : 1;
        int points = drawn.stream().mapToInt(s -> s.points().size()).sum();
        StringBuilder svg = open(id, title, points);
        frame(svg, yLabel, xFrom, xTo);
        for (Series each : drawn) {
            StringBuilder coordinates = new StringBuilder();
            List<Double> xs = new ArrayList<>();
            for (Point point : each.points()) {
                double x = xMax > xMin ? LEFT + (point.x() - xMin) / (xMax - xMin) * plotWidth() : LEFT + plotWidth() / 2.0;
                double y = TOP + plotHeight() - Math.clamp(point.y() / top, 0, 1) * plotHeight();
                coordinates.append(xs.isEmpty() ? "" : " ").append(number(x)).append(',').append(number(y));
                xs.add(x);
            }
            if (each.filled() && xs.size() > 1) {
                String base = number(TOP + plotHeight());
                svg.append("<polygon fill=\"").append(each.tone().fill).append("\" fill-opacity=\"0.18\" points=\"")
                        .append(number(xs.getFirst())).append(',').append(base).append(' ').append(coordinates).append(' ')
                        .append(number(xs.getLast())).append(',').append(base).append("\"/>\n");
            }
            svg.append("<polyline class=\"series\" fill=\"none\" stroke=\"").append(each.tone().fill)
                    .append("\" stroke-width=\"1.6\" points=\"").append(coordinates).append("\"><title>")
                    .append(escape(each.name())).append("</title></polyline>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    /** Bars from left to right, heights from 0 to the tallest, whose height {@code yLabel} names. */
    public static String bars(String id, String title, List<Bar> bars, String yLabel, String xFrom, String xTo) {
        List<Bar> drawn = bars.subList(Math.max(0, bars.size() - MAX_POINTS), bars.size());
        double top = drawn.stream().mapToDouble(Bar::value).max().orElse(1);
        StringBuilder svg = open(id, title, drawn.size());
        frame(svg, yLabel, xFrom, xTo);
        double slot = plotWidth() / (double) Math.max(1, drawn.size());
        for (int i = 0; i < drawn.size(); i++) {
            Bar bar = drawn.get(i);
            double height = top > 0 ? Math.max(1, Math.clamp(bar.value() / top, 0, 1) * plotHeight()) : 1;
            svg.append("<rect class=\"bar\" x=\"").append(number(LEFT + i * slot + slot * 0.15)).append("\" y=\"")
                    .append(number(TOP + plotHeight() - height)).append("\" width=\"").append(number(slot * 0.7))
                    .append("\" height=\"").append(number(height)).append("\" fill=\"").append(bar.tone().fill)
                    .append("\"><title>").append(escape(bar.tip())).append("</title></rect>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    /** {@code points}, every n-th of them when they are more than {@link #MAX_POINTS}, the last kept. */
    static List<Point> bounded(List<Point> points) {
        if (points.size() <= MAX_POINTS) {
            return points;
        }
        int step = (points.size() + MAX_POINTS - 2) / (MAX_POINTS - 1);
        List<Point> kept = new ArrayList<>(MAX_POINTS);
        for (int i = 0; i < points.size() - 1 && kept.size() < MAX_POINTS - 1; i += step) {
            kept.add(points.get(i));
        }
        kept.add(points.getLast());
        return kept;
    }

    private static StringBuilder open(String id, String title, int points) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(escape(id)).append("\" data-points=\"")
                .append(points).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"11\">\n<title>")
                .append(escape(title)).append("</title>\n");
        return svg;
    }

    /** The axes and their labels: the top of y, 0, and both ends of x. */
    private static void frame(StringBuilder svg, String yLabel, String xFrom, String xTo) {
        int bottom = TOP + plotHeight();
        svg.append("<path fill=\"none\" stroke=\"#c9ced8\" d=\"M").append(LEFT).append(',').append(TOP).append(" V")
                .append(bottom).append(" H").append(WIDTH - RIGHT).append("\"/>\n");
        text(svg, LEFT - 4, TOP + 9, "end", yLabel);
        text(svg, LEFT - 4, bottom, "end", "0");
        text(svg, LEFT, HEIGHT - 6, "start", xFrom);
        text(svg, WIDTH - RIGHT, HEIGHT - 6, "end", xTo);
    }

    private static void text(StringBuilder svg, int x, int y, String anchor, String text) {
        svg.append("<text x=\"").append(x).append("\" y=\"").append(y).append("\" text-anchor=\"").append(anchor)
                .append("\" fill=\"#5b6475\">").append(escape(text)).append("</text>\n");
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** {@code text} safe in XML and HTML alike: markup escaped, and characters XML cannot hold left out. */
    static String escape(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        text.codePoints().filter(c -> c == '\t' || c == '\n' || c == '\r' || c >= 0x20 && c < 0xD800
                || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000).forEach(kept::appendCodePoint);
        return HtmlReport.escape(kept.toString());
    }
}
