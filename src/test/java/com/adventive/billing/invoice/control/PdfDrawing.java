package com.adventive.billing.invoice.control;

import com.itextpdf.kernel.colors.Color;
import com.itextpdf.kernel.geom.IShape;
import com.itextpdf.kernel.geom.Line;
import com.itextpdf.kernel.geom.Matrix;
import com.itextpdf.kernel.geom.Point;
import com.itextpdf.kernel.geom.Rectangle;
import com.itextpdf.kernel.geom.Subpath;
import com.itextpdf.kernel.geom.Vector;
import com.itextpdf.kernel.pdf.PdfArray;
import com.itextpdf.kernel.pdf.PdfDictionary;
import com.itextpdf.kernel.pdf.PdfName;
import com.itextpdf.kernel.pdf.PdfPage;
import com.itextpdf.kernel.pdf.annot.PdfAnnotation;
import com.itextpdf.kernel.pdf.canvas.parser.EventType;
import com.itextpdf.kernel.pdf.canvas.parser.PdfCanvasProcessor;
import com.itextpdf.kernel.pdf.canvas.parser.data.IEventData;
import com.itextpdf.kernel.pdf.canvas.parser.data.PathRenderInfo;
import com.itextpdf.kernel.pdf.canvas.parser.data.TextRenderInfo;
import com.itextpdf.kernel.pdf.canvas.parser.listener.IEventListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a PDF draws, page by page, as a viewer would paint it, independent of how the content
 * streams happen to be written: every glyph (character, font, size, colour, render mode, baseline
 * position), every stroked line and filled area (position, width, colour; touching collinear
 * strokes of one style merged, so a border drawn in one stroke or in four counts the same), and
 * every annotation (type, rectangle, link target). Two PDFs with equal drawings look the same at
 * any resolution.
 */
final class PdfDrawing {

    /**
     * Coordinates closer than this count as equal: 0.02 pt is 0.007 mm, a sixth of a pixel at
     * 600 dpi. Layout arithmetic in floats can land a line a hundredth of a point apart when the
     * same table is laid out in batches instead of in one go.
     */
    static final double TOLERANCE = 0.02;

    /** One painted thing: what it is (exact) and where (compared within {@link #TOLERANCE}). */
    record Mark(String what, double[] where) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(what).append(" @");
            for (double d : where) {
                s.append(' ').append(String.format(Locale.ROOT, "%.3f", d));
            }
            return s.toString();
        }
    }

    private final List<List<Mark>> pages;

    private PdfDrawing(List<List<Mark>> pages) {
        this.pages = pages;
    }

    static PdfDrawing of(byte[] pdf) {
        return PdfText.withDocument(pdf, document -> {
            List<List<Mark>> pages = new ArrayList<>();
            for (int p = 1; p <= document.getNumberOfPages(); p++) {
                pages.add(page(document.getPage(p)));
            }
            return new PdfDrawing(pages);
        });
    }

    int pageCount() {
        return pages.size();
    }

    List<Mark> page(int index) {
        return pages.get(index);
    }

    /**
     * The differences between this drawing and another, as readable lines (empty when they draw the
     * same): marks on a page of one and not the other, at most {@code limit} of them.
     */
    List<String> differencesFrom(PdfDrawing other, int limit) {
        List<String> differences = new ArrayList<>();
        if (pageCount() != other.pageCount()) {
            differences.add("pages: " + pageCount() + " here, " + other.pageCount() + " there");
        }
        for (int p = 0; p < Math.min(pageCount(), other.pageCount()) && differences.size() < limit; p++) {
            Map<String, List<double[]>> here = byKind(page(p));
            Map<String, List<double[]>> there = byKind(other.page(p));
            for (String what : union(here.keySet(), there.keySet())) {
                List<double[]> onlyHere = new ArrayList<>(here.getOrDefault(what, List.of()));
                List<double[]> onlyThere = new ArrayList<>(there.getOrDefault(what, List.of()));
                removeMatches(onlyHere, onlyThere);
                for (double[] w : onlyHere) {
                    if (differences.size() < limit) {
                        differences.add("page " + (p + 1) + " only here:  " + new Mark(what, w));
                    }
                }
                for (double[] w : onlyThere) {
                    if (differences.size() < limit) {
                        differences.add("page " + (p + 1) + " only there: " + new Mark(what, w));
                    }
                }
            }
        }
        return differences;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, List<double[]>> byKind(List<Mark> marks) {
        Map<String, List<double[]>> kinds = new TreeMap<>();
        for (Mark mark : marks) {
            kinds.computeIfAbsent(mark.what(), k -> new ArrayList<>()).add(mark.where());
        }
        return kinds;
    }

    /** Removes from both lists every pair of positions that match within the tolerance. */
    private static void removeMatches(List<double[]> a, List<double[]> b) {
        Comparator<double[]> order = Comparator.comparingDouble((double[] w) -> w.length > 1 ? w[1] : 0)
                .thenComparingDouble(w -> w[0]);
        a.sort(order);
        b.sort(order);
        boolean[] used = new boolean[b.size()];
        List<double[]> unmatched = new ArrayList<>();
        int start = 0;
        for (double[] w : a) {
            // b is sorted by y: skip what lies clearly below, then look at the candidates near this y
            while (start < b.size() && y(b.get(start)) < y(w) - 1) {
                start++;
            }
            boolean found = false;
            for (int j = start; j < b.size() && y(b.get(j)) <= y(w) + 1; j++) {
                if (!used[j] && close(w, b.get(j))) {
                    used[j] = true;
                    found = true;
                    break;
                }
            }
            if (!found) {
                unmatched.add(w);
            }
        }
        List<double[]> unmatchedB = new ArrayList<>();
        for (int j = 0; j < b.size(); j++) {
            if (!used[j]) {
                unmatchedB.add(b.get(j));
            }
        }
        a.clear();
        a.addAll(unmatched);
        b.clear();
        b.addAll(unmatchedB);
    }

    private static double y(double[] w) {
        return w.length > 1 ? w[1] : 0;
    }

    private static boolean close(double[] a, double[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    private static List<Mark> page(PdfPage page) {
        List<Mark> marks = new ArrayList<>();
        List<double[]> strokes = new ArrayList<>();
        List<String> strokeStyles = new ArrayList<>();
        IEventListener listener = new IEventListener() {
            @Override
            public void eventOccurred(IEventData data, EventType type) {
                if (data instanceof TextRenderInfo text) {
                    glyphs(text, marks);
                } else if (data instanceof PathRenderInfo path) {
                    path.preserveGraphicsState();
                    paths(path, marks, strokes, strokeStyles);
                }
            }

            @Override
            public Set<EventType> getSupportedEvents() {
                return Set.of(EventType.RENDER_TEXT, EventType.RENDER_PATH);
            }
        };
        new PdfCanvasProcessor(listener).processPageContent(page);
        marks.addAll(mergedStrokes(strokes, strokeStyles));
        for (PdfAnnotation annotation : page.getAnnotations()) {
            PdfDictionary action = annotation.getPdfObject().getAsDictionary(PdfName.A);
            String target = action == null ? "" : String.valueOf(action.get(PdfName.URI));
            Rectangle r = annotation.getRectangle().toRectangle();
            marks.add(new Mark("annotation " + annotation.getSubtype() + " " + target,
                    new double[] {r.getLeft(), r.getBottom(), r.getRight(), r.getTop()}));
        }
        Rectangle size = page.getPageSize();
        marks.add(new Mark("page size", new double[] {size.getWidth(), size.getHeight()}));
        return marks;
    }

    private static void glyphs(TextRenderInfo run, List<Mark> marks) {
        for (TextRenderInfo glyph : run.getCharacterRenderInfos()) {
            if (glyph.getText().isBlank()) {
                continue; // spaces draw nothing; the positions of what follows show them
            }
            Vector start = glyph.getBaseline().getStartPoint();
            Vector end = glyph.getBaseline().getEndPoint();
            // the size a reader sees: the font size scaled by the text and graphics matrices
            float size = glyph.getAscentLine().getStartPoint().get(1) - glyph.getDescentLine().getStartPoint().get(1);
            // without the subset tag ("ABCDEF+"), which derives from the document's seed
            String font = glyph.getFont().getFontProgram().getFontNames().getFontName().replaceFirst("^[A-Z]{6}\\+", "");
            marks.add(new Mark(String.format(Locale.ROOT, "glyph %s %s mode %d %s",
                    glyph.getText(), font, glyph.getTextRenderMode(), color(glyph.getFillColor())),
                    new double[] {start.get(0), start.get(1), end.get(0), size}));
        }
    }

    private static void paths(PathRenderInfo path, List<Mark> marks, List<double[]> strokes, List<String> styles) {
        int operation = path.getOperation();
        if (operation == PathRenderInfo.NO_OP) {
            return; // a clipping path only
        }
        Matrix ctm = path.getCtm();
        if ((operation & PathRenderInfo.STROKE) != 0) {
            String style = String.format(Locale.ROOT, "stroke width %.3f %s cap %d dash %s",
                    path.getLineWidth() * ctm.get(Matrix.I11), color(path.getStrokeColor()), path.getLineCapStyle(),
                    path.getLineDashPattern() == null ? "-" : path.getLineDashPattern().toString());
            for (Subpath subpath : path.getPath().getSubpaths()) {
                List<IShape> segments = subpath.getSegments();
                for (IShape segment : segments) {
                    List<Point> points = segment.getBasePoints();
                    for (int i = 0; i + 1 < points.size(); i++) {
                        double[] a = transform(points.get(i), ctm);
                        double[] b = transform(points.get(i + 1), ctm);
                        strokes.add(new double[] {a[0], a[1], b[0], b[1]});
                        styles.add(style);
                    }
                    if (!(segment instanceof Line) && points.size() > 2) {
                        marks.add(new Mark("curve " + style, flatten(points, ctm)));
                    }
                }
                if (subpath.isClosed() && !segments.isEmpty()) {
                    double[] first = transform(segments.get(0).getBasePoints().get(0), ctm);
                    List<Point> last = segments.get(segments.size() - 1).getBasePoints();
                    double[] end = transform(last.get(last.size() - 1), ctm);
                    strokes.add(new double[] {end[0], end[1], first[0], first[1]});
                    styles.add(style);
                }
            }
        }
        if ((operation & PathRenderInfo.FILL) != 0) {
            for (Subpath subpath : path.getPath().getSubpaths()) {
                List<Point> points = new ArrayList<>();
                for (IShape segment : subpath.getSegments()) {
                    points.addAll(segment.getBasePoints());
                }
                if (!points.isEmpty()) {
                    marks.add(new Mark("fill " + color(path.getFillColor()), flatten(points, ctm)));
                }
            }
        }
    }

    /**
     * Straight strokes of one style, each pointing left to right or bottom to top, with touching or
     * overlapping collinear ones joined: a table border painted cell by cell and one painted in a
     * single stroke paint the same pixels.
     */
    private static List<Mark> mergedStrokes(List<double[]> strokes, List<String> styles) {
        Map<String, List<double[]>> byLine = new LinkedHashMap<>();
        List<Mark> marks = new ArrayList<>();
        for (int i = 0; i < strokes.size(); i++) {
            double[] s = strokes.get(i);
            boolean horizontal = Math.abs(s[1] - s[3]) < 1e-6;
            boolean vertical = Math.abs(s[0] - s[2]) < 1e-6;
            if (!horizontal && !vertical) {
                marks.add(new Mark("line " + styles.get(i), s));
                continue;
            }
            double along0 = horizontal ? Math.min(s[0], s[2]) : Math.min(s[1], s[3]);
            double along1 = horizontal ? Math.max(s[0], s[2]) : Math.max(s[1], s[3]);
            double across = horizontal ? s[1] : s[0];
            String key = (horizontal ? "h " : "v ") + styles.get(i) + "|" + Math.round(across * 1000);
            byLine.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {along0, along1, across});
        }
        for (Map.Entry<String, List<double[]>> line : byLine.entrySet()) {
            List<double[]> pieces = line.getValue();
            pieces.sort(Comparator.comparingDouble(p -> p[0]));
            double[] current = null;
            boolean horizontal = line.getKey().startsWith("h ");
            String style = line.getKey().substring(2, line.getKey().lastIndexOf('|'));
            for (double[] piece : pieces) {
                if (current != null && piece[0] <= current[1] + TOLERANCE) {
                    current[1] = Math.max(current[1], piece[1]);
                } else {
                    if (current != null) {
                        marks.add(stroke(horizontal, style, current));
                    }
                    current = piece.clone();
                }
            }
            if (current != null) {
                marks.add(stroke(horizontal, style, current));
            }
        }
        return marks;
    }

    private static Mark stroke(boolean horizontal, String style, double[] piece) {
        return horizontal
                ? new Mark("line " + style, new double[] {piece[0], piece[2], piece[1], piece[2]})
                : new Mark("line " + style, new double[] {piece[2], piece[0], piece[2], piece[1]});
    }

    private static double[] flatten(List<Point> points, Matrix ctm) {
        double[] all = new double[points.size() * 2];
        for (int i = 0; i < points.size(); i++) {
            double[] p = transform(points.get(i), ctm);
            all[2 * i] = p[0];
            all[2 * i + 1] = p[1];
        }
        return all;
    }

    private static double[] transform(Point point, Matrix ctm) {
        Vector v = new Vector((float) point.getX(), (float) point.getY(), 1).cross(ctm);
        return new double[] {v.get(0), v.get(1)};
    }

    private static String color(Color color) {
        if (color == null) {
            return "none";
        }
        return color.getClass().getSimpleName() + Arrays.toString(color.getColorValue());
    }
}
