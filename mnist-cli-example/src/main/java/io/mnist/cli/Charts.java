package io.mnist.cli;

import io.mnist.api.EpochResult;
import io.mnist.api.Evaluation;
import java.awt.Color;
import java.io.IOException;
import io.mnist.api.spi.FileWriteException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Learning curves and the confusion matrix as PNG, with XChart. */
final class Charts {
    private Charts() {
    }

    /** Loss and accuracy per epoch, training and test, side by side. */
    static void curves(Path file, String title, List<EpochResult> history) throws IOException {
        double[] epochs = history.stream().mapToDouble(EpochResult::epoch).toArray();
        XYChart loss = new XYChartBuilder().width(560).height(400).title(title + ": loss")
                .xAxisTitle("epoch").yAxisTitle("cross-entropy").build();
        loss.addSeries("train", epochs, history.stream().mapToDouble(EpochResult::trainLoss).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        loss.addSeries("test", epochs, history.stream().mapToDouble(EpochResult::testLoss).toArray())
                .setMarker(SeriesMarkers.DIAMOND);
        XYChart accuracy = new XYChartBuilder().width(560).height(400).title(title + ": accuracy")
                .xAxisTitle("epoch").yAxisTitle("accuracy").build();
        accuracy.addSeries("train", epochs, history.stream().mapToDouble(EpochResult::trainAccuracy).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        accuracy.addSeries("test", epochs, history.stream().mapToDouble(EpochResult::testAccuracy).toArray())
                .setMarker(SeriesMarkers.DIAMOND);
        for (XYChart c : List.of(loss, accuracy)) {
            c.getStyler().setXAxisDecimalPattern("0");
            c.getStyler().setXAxisTickMarkSpacingHint(60);
            c.getStyler().setChartBackgroundColor(Color.WHITE);
        }
        accuracy.getStyler().setYAxisDecimalPattern("0.000");
        loss.getStyler().setYAxisDecimalPattern("0.00");
        List<Chart> charts = List.of(loss, accuracy);
        FileWriteException.writing(file,
                () -> BitmapEncoder.saveBitmap(charts, 1, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG));
    }

    /** The confusion matrix as a heat map with the counts written in: rows true digits, columns predictions. */
    static void confusion(Path file, String title, Evaluation evaluation) throws IOException {
        int[][] m = evaluation.confusion();
        List<Integer> digits = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            digits.add(d);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int truth = 0; truth < 10; truth++) {
            for (int predicted = 0; predicted < 10; predicted++) {
                // Heat maps draw y upwards; digit 0 goes on top as in the text table.
                cells.add(new Number[] {predicted, 9 - truth, m[truth][predicted]});
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(720).height(640)
                .title(title + String.format(": accuracy %.2f%%", 100 * evaluation.accuracy()))
                .xAxisTitle("predicted").yAxisTitle("true digit").build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214),
                new Color(8, 48, 107)});
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMin(0);
        List<Integer> reversed = new ArrayList<>(digits);
        java.util.Collections.reverse(reversed);
        chart.addSeries("confusion", digits, reversed, cells);
        FileWriteException.writing(file,
                () -> BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG));
    }
}
