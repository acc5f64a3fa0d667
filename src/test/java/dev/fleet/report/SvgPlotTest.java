package dev.fleet.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The page's plots: well-formed SVG, every text escaped, a bounded number of points. */
class SvgPlotTest {

    /** Text a droplet could answer: markup, an entity, a quote and a control character. */
    private static final String HOSTILE = "<script>alert('x')</script> & \"q\" \u0007bell";

    @Test
    void aLineIsWellFormedSvgWithAPointPerSampleAndItsTextEscaped() throws Exception {
        List<SvgPlot.Point> points = List.of(new SvgPlot.Point(0, 1), new SvgPlot.Point(30, 3), new SvgPlot.Point(60, 2));

        String svg = SvgPlot.lines("sync-plot", HOSTILE, List.of(new SvgPlot.Series(HOSTILE, SvgPlot.Tone.GOOD, true,
                points)), 3, "3", HOSTILE, "end");

        Element root = parse(svg).getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        assertThat(root.getAttribute("id")).isEqualTo("sync-plot");
        assertThat(root.getAttribute("data-points")).isEqualTo("3");
        Element line = (Element) root.getElementsByTagName("polyline").item(0);
        assertThat(line.getAttribute("points").split(" ")).hasSize(3);
        assertThat(root.getElementsByTagName("polygon").getLength()).as("the area under a filled line").isEqualTo(1);
        assertThat(svg).doesNotContain("<script>").doesNotContain("\u0007").contains("&lt;script&gt;")
                .contains("&amp;").contains("&quot;q&quot;").contains("&#39;x&#39;");
        assertThat(root.getElementsByTagName("title").item(0).getTextContent()).isEqualTo(HOSTILE.replace("\u0007", ""));
    }

    @Test
    void pointsInsideThePlotWhateverTheirValues() throws Exception {
        String svg = SvgPlot.lines("p", "t", List.of(new SvgPlot.Series("s", SvgPlot.Tone.BAD, false,
                List.of(new SvgPlot.Point(0, -5), new SvgPlot.Point(10, 50)))), 3, "3", "a", "b");

        String[] points = ((Element) parse(svg).getElementsByTagName("polyline").item(0)).getAttribute("points").split(" ");
        for (String point : points) {
            double x = Double.parseDouble(point.split(",")[0]);
            double y = Double.parseDouble(point.split(",")[1]);
            assertThat(x).isBetween(0.0, (double) SvgPlot.WIDTH);
            assertThat(y).isBetween(0.0, (double) SvgPlot.HEIGHT);
        }
    }

    @Test
    void aLineOfManyPointsDrawsAtMostTheBoundKeepingTheFirstAndTheLast() throws Exception {
        List<SvgPlot.Point> many = IntStream.range(0, 25_000).mapToObj(i -> new SvgPlot.Point(i, i % 4)).toList();

        String svg = SvgPlot.lines("p", "t", List.of(new SvgPlot.Series("s", SvgPlot.Tone.GOOD, true, many)), 4, "4",
                "a", "b");

        String[] drawn = ((Element) parse(svg).getElementsByTagName("polyline").item(0)).getAttribute("points").split(" ");
        assertThat(drawn.length).isLessThanOrEqualTo(SvgPlot.MAX_POINTS).isGreaterThan(SvgPlot.MAX_POINTS / 2);
        assertThat(SvgPlot.bounded(many)).startsWith(many.getFirst()).endsWith(many.getLast());
        assertThat(svg.length()).as("a page that reloads every few seconds stays small").isLessThan(40_000);
    }

    @Test
    void oneLonePointOrNoneStillMakesAPlot() throws Exception {
        parse(SvgPlot.lines("p", "t", List.of(new SvgPlot.Series("s", SvgPlot.Tone.GOOD, true,
                List.of(new SvgPlot.Point(5, 1)))), 1, "1", "a", "b"));
        parse(SvgPlot.lines("p", "t", List.of(), 0, "0", "a", "b"));
        parse(SvgPlot.bars("p", "t", List.of(), "0s", "a", "b"));
    }

    @Test
    void barsAreAsTallAsTheirValuesTheTallestFillingThePlotEachWithItsEscapedTip() throws Exception {
        String svg = SvgPlot.bars("durations-plot", "t", List.of(new SvgPlot.Bar(10, SvgPlot.Tone.GOOD, "ten"),
                new SvgPlot.Bar(40, SvgPlot.Tone.BAD, HOSTILE), new SvgPlot.Bar(0, SvgPlot.Tone.QUIET, "none")),
                "40.0s", "a", "b");

        Document document = parse(svg);
        assertThat(document.getDocumentElement().getAttribute("data-points")).isEqualTo("3");
        var rects = document.getElementsByTagName("rect");
        assertThat(rects.getLength()).isEqualTo(3);
        double ten = Double.parseDouble(((Element) rects.item(0)).getAttribute("height"));
        double forty = Double.parseDouble(((Element) rects.item(1)).getAttribute("height"));
        double zero = Double.parseDouble(((Element) rects.item(2)).getAttribute("height"));
        assertThat(forty).isCloseTo(ten * 4, Offset.offset(0.5));
        assertThat(zero).as("still visible").isEqualTo(1.0);
        assertThat(((Element) rects.item(1)).getAttribute("fill")).isNotEqualTo(((Element) rects.item(0)).getAttribute("fill"));
        assertThat(rects.item(1).getTextContent()).isEqualTo(HOSTILE.replace("\u0007", ""));
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
