package io.mnist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.InvalidImageException;
import io.mnist.api.NumberReading;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Numbers whose ink does not fall apart into one piece per digit, read with the bundled model. */
class NumberReadingTest {
    private static DigitClassifier clf;

    @BeforeAll
    static void load() throws IOException {
        clf = DigitClassifiers.pretrained("djl");
    }

    @AfterAll
    static void close() {
        clf.close();
    }

    private static BufferedImage draw(int w, int h, Consumer<Graphics2D> strokes) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(7, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        strokes.accept(g);
        g.dispose();
        return img;
    }

    @Test
    void theFootOfAOneRunningUnderTheZeroOfTenIsNotANine() {
        BufferedImage ten = draw(240, 160, g -> {
            g.drawLine(40, 45, 60, 25);     // the 1's flag
            g.drawLine(60, 25, 60, 130);    // its stem
            g.drawLine(35, 135, 125, 139);  // a long foot, running on under the 0
            g.drawOval(95, 25, 65, 100);    // the 0
        });
        NumberReading n = clf.readNumber(ten);
        assertThat(n.text()).as("digits %s", n.digits()).isEqualTo("10");
    }

    @Test
    void aSingleSlantedOneIsOneDigit() {
        BufferedImage one = draw(220, 140, g -> g.drawLine(170, 15, 35, 125));
        NumberReading n = clf.readNumber(one);
        assertThat(n.text()).as("digits %s", n.digits()).isEqualTo("1");
    }

    @Test
    void aFourInTwoStrokesIsOneDigit() {
        BufferedImage four = draw(160, 160, g -> {
            g.drawLine(70, 20, 30, 100);
            g.drawLine(30, 100, 120, 100);
            g.drawLine(100, 40, 100, 145);
        });
        NumberReading n = clf.readNumber(four);
        assertThat(n.text()).isEqualTo("4");
    }

    @Test
    void aReadingAnotherSplitNearlyMatchesIsNotCalledSure() {
        // A 0 drawn in two halves that meet: "0" or two strokes. Whichever is read, the other split is close.
        BufferedImage zero = draw(160, 160, g -> {
            g.drawArc(40, 20, 80, 120, 90, 180);
            g.drawArc(44, 20, 80, 120, -90, 180);
        });
        NumberReading n = clf.readNumber(zero);
        assertThat(n.text()).isEqualTo("0");
        assertThat(n.segmentation()).as("share of the heaviest split").isLessThanOrEqualTo(1.0).isGreaterThan(0.5);
    }

    @Test
    void aLineUnderTheDigitsDoesNotJoinThemAndABoxIsNotADigit() {
        BufferedImage twelve = draw(260, 170, g -> {
            g.drawLine(50, 45, 70, 25);     // the 1
            g.drawLine(70, 25, 70, 128);
            g.drawArc(112, 25, 66, 60, 160, -195);  // the 2: its bow, its back, its base
            g.drawLine(176, 62, 114, 128);
            g.drawLine(114, 128, 186, 128);
            g.setStroke(new BasicStroke(3));
            g.drawLine(15, 134, 245, 134);  // the line they are written on, touching both
        });
        NumberReading n = clf.readNumber(twelve);
        assertThat(n.text()).as("digits %s", n.digits()).isEqualTo("12");

        BufferedImage boxed = draw(180, 180, g -> {
            g.drawLine(55, 45, 125, 45);    // a 7
            g.drawLine(125, 45, 80, 140);
            g.setStroke(new BasicStroke(2));
            g.drawRect(20, 15, 140, 150);   // the form's box around it
        });
        assertThat(clf.readNumber(boxed).text()).isEqualTo("7");
        assertThat(clf.predict(boxed).digit()).isEqualTo(7);
    }

    /** "12" drawn with its left edge at {@code x} and its top at {@code y}, 100 pixels tall. */
    private static void twelve(Graphics2D g, int x, int y) {
        g.drawLine(x, y + 20, x + 20, y);       // the 1
        g.drawLine(x + 20, y, x + 20, y + 100);
        g.drawArc(x + 55, y, 66, 60, 160, -195); // the 2
        g.drawLine(x + 119, y + 37, x + 57, y + 100);
        g.drawLine(x + 57, y + 100, x + 129, y + 100);
    }

    @Test
    void aDecimalPointIsReadAsAPointNotAsPartOfADigit() {
        BufferedImage pi = draw(330, 160, g -> {
            g.drawArc(20, 25, 60, 50, 150, -240);   // a 3: two bows
            g.drawArc(20, 75, 60, 55, 90, -240);
            g.fillOval(100, 120, 12, 12);           // the point, on the baseline
            g.drawLine(140, 45, 160, 25);           // a 1
            g.drawLine(160, 25, 160, 130);
            g.drawLine(250, 25, 200, 95);           // a 4
            g.drawLine(200, 95, 280, 95);
            g.drawLine(260, 55, 260, 130);
        });
        NumberReading n = clf.readNumber(pi);
        assertThat(n.text()).as("digits %s", n.digits()).isEqualTo("3.14");
        assertThat(n.digits()).as("the point is not a digit").hasSize(3);
    }

    @Test
    void aPointNoWiderThanThePenIsStillAPointButDustIsNot() {
        // A dot as wide as the pen (7 px) has under 4% of the largest stroke's pixels, which made it a speck of
        // noise and the reading "314"; a 2-pixel speck of dust in the same place must stay noise.
        for (int dot : new int[] {7, 2}) {
            BufferedImage pi = draw(330, 160, g -> {
                g.drawArc(20, 25, 60, 50, 150, -240);
                g.drawArc(20, 75, 60, 55, 90, -240);
                g.fillOval(103, 124, dot, dot);
                g.drawLine(140, 45, 160, 25);
                g.drawLine(160, 25, 160, 130);
                g.drawLine(250, 25, 200, 95);
                g.drawLine(200, 95, 280, 95);
                g.drawLine(260, 55, 260, 130);
            });
            NumberReading n = clf.readNumber(pi);
            assertThat(n.text()).as("a dot of %d px: digits %s", dot, n.digits()).isEqualTo(dot == 7 ? "3.14" : "314");
            assertThat(n.digits()).hasSize(3);
        }
        // A dusty scan: specks as large as the pen's dot all over, one of them where a point would be. None is a
        // point (the first version read such scans as "4.09" and "1.2.7").
        BufferedImage dusty = draw(330, 160, g -> {
            g.drawArc(20, 25, 60, 50, 150, -240);
            g.drawArc(20, 75, 60, 55, 90, -240);
            g.fillOval(103, 124, 7, 7);
            g.fillOval(300, 10, 7, 7);
            g.fillOval(120, 5, 7, 7);
            g.fillOval(5, 145, 7, 7);
            g.drawLine(140, 45, 160, 25);
            g.drawLine(160, 25, 160, 130);
            g.drawLine(250, 25, 200, 95);
            g.drawLine(200, 95, 280, 95);
            g.drawLine(260, 55, 260, 130);
        });
        assertThat(clf.readNumber(dusty).text()).as("specks of a dot's size all over").isEqualTo("314");
    }

    @Test
    void aFullStopOrADashAfterTheNumberIsNoDigit() {
        // A breaker's "1234" with a full stop far after it read "12340" at 99.7%, with a dash "12342".
        for (boolean dash : new boolean[] {false, true}) {
            BufferedImage twelve = draw(330, 160, g -> {
                g.drawLine(40, 45, 60, 25);             // a 1
                g.drawLine(60, 25, 60, 130);
                g.drawArc(100, 25, 60, 55, 160, -200);  // a 2
                g.drawLine(158, 62, 100, 130);
                g.drawLine(100, 130, 165, 130);
                if (dash) {
                    g.drawLine(250, 100, 275, 100);
                } else {
                    g.fillOval(260, 122, 12, 12);
                }
            });
            assertThat(clf.readNumber(twelve).text()).as(dash ? "with a dash" : "with a full stop").isEqualTo("12");
        }
    }

    /** "12" with the 1 at {@code x}, pen-drawn, 105 pixels tall from y = 25. */
    private static void oneTwo(Graphics2D g, int x) {
        g.drawLine(x, 45, x + 20, 25);
        g.drawLine(x + 20, 25, x + 20, 130);
        g.drawArc(x + 60, 25, 60, 55, 160, -200);
        g.drawLine(x + 118, 62, x + 60, 130);
        g.drawLine(x + 60, 130, x + 125, 130);
    }

    @Test
    void aMinusSignAHyphenAndAColonAreWrittenWhereTheyStand() {
        // Read as "12" (the sign dropped at 100%) and "12530" (the colon read as a 5) before they were signs.
        BufferedImage minus = draw(300, 160, g -> {
            g.drawLine(25, 82, 70, 80);
            oneTwo(g, 110);
        });
        NumberReading n = clf.readNumber(minus);
        assertThat(n.text()).as("digits %s", n.digits()).isEqualTo("-12");
        assertThat(n.digits()).hasSize(2);

        BufferedImage hyphen = draw(330, 160, g -> {
            g.drawLine(40, 45, 60, 25);             // a 1
            g.drawLine(60, 25, 60, 130);
            g.drawLine(105, 85, 140, 84);           // the hyphen
            g.drawLine(230, 25, 180, 95);           // a 4
            g.drawLine(180, 95, 260, 95);
            g.drawLine(240, 55, 240, 130);
        });
        assertThat(clf.readNumber(hyphen).text()).isEqualTo("1-4");

        // The colon's dots as wide as the pen (7 px) are specks beside the strokes; 12 px, strokes of their own.
        // With the pen's dots the first version read "12.30".
        // Dots of 30 px, under a third of the row, with less paper between them than they are tall, were read "12230".
        for (int dot : new int[] {7, 12, 30}) {
            BufferedImage time = draw(420, 160, g -> {
                oneTwo(g, 20);
                g.fillOval(175, 55, dot, dot);          // the colon
                g.fillOval(175, 110 - Math.max(0, dot - 20), dot, dot);
                g.drawArc(215, 25, 60, 50, 150, -240);  // a 3
                g.drawArc(215, 75, 60, 55, 90, -240);
                g.drawOval(310, 25, 70, 105);           // a 0
            });
            n = clf.readNumber(time);
            assertThat(n.text()).as("dots of %d px: digits %s", dot, n.digits()).isEqualTo("12:30");
            assertThat(n.digits()).hasSize(4);
        }
    }

    @Test
    void aBarThatBelongsToADigitIsNoSign() {
        // A 5 whose top bar was lifted off and a 7 with a crossbar: the bars are flat, but at the top of their digit
        // or across its columns, so they stay with it.
        BufferedImage five = draw(330, 160, g -> {
            oneTwo(g, 20);
            g.drawLine(205, 25, 250, 25);           // the 5's bar, lifted off
            g.drawLine(200, 32, 196, 75);
            g.drawArc(190, 60, 70, 70, 120, -250);
        });
        assertThat(clf.readNumber(five).text()).isEqualTo("125");
        BufferedImage seven = draw(330, 160, g -> {
            oneTwo(g, 20);
            g.drawLine(190, 25, 260, 25);           // a 7
            g.drawLine(260, 25, 215, 130);
            g.drawLine(215, 80, 260, 80);           // its crossbar
        });
        assertThat(clf.readNumber(seven).text()).isEqualTo("127");
    }

    @Test
    void aStrokeThroughTheDigitsAddsNoDigit() {
        for (int rise : new int[] {0, 7, -7}) {
            BufferedImage struck = draw(260, 170, g -> {
                twelve(g, 50, 30);
                g.setStroke(new BasicStroke(5));
                g.drawLine(30, 85, 200, 85 - rise);    // struck through, across both digits, level or slanted
            });
            NumberReading n = clf.readNumber(struck);
            assertThat(n.text()).as("rise %d, digits %s", rise, n.digits()).isEqualTo("12");
        }
    }

    @Test
    void aMarkerStrokeThroughTheDigitsAddsNoDigit() {
        // A line as thick as a marker's (12 px, a ninth of the writing's height) through "12" and "123": read "72"
        // and "723" while lines had to be under 8% of the writing's height.
        BufferedImage twelve = draw(300, 170, g -> {
            oneTwo(g, 40);
            g.setStroke(new BasicStroke(12, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.drawLine(25, 80, 185, 80);
        });
        assertThat(clf.readNumber(twelve).text()).isEqualTo("12");
        BufferedImage oneTwoThree = draw(330, 170, g -> {
            oneTwo(g, 20);
            g.drawArc(190, 25, 60, 50, 150, -240);  // a 3
            g.drawArc(190, 75, 60, 55, 90, -240);
            g.setStroke(new BasicStroke(12, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.drawLine(10, 78, 290, 78);
        });
        assertThat(clf.readNumber(oneTwoThree).text()).isEqualTo("123");
    }

    @Test
    void aStrokeThroughAtASlantAddsNoDigitEither() {
        // "1234" struck through at 2 to 8 degrees either way: from 4 degrees the line was left in, and read "7234".
        for (int degrees : new int[] {2, 4, 6, 8, -3, -5, -7}) {
            double rise = Math.tan(Math.toRadians(degrees));
            BufferedImage struck = draw(420, 160, g -> {
                oneTwo(g, 30);
                g.drawArc(190, 25, 60, 50, 150, -240);  // a 3
                g.drawArc(190, 75, 60, 55, 90, -240);
                g.drawLine(340, 25, 290, 95);           // a 4
                g.drawLine(290, 95, 370, 95);
                g.drawLine(350, 55, 350, 130);
                g.drawLine(15, (int) Math.round(80 + 195 * rise), 405, (int) Math.round(80 - 195 * rise));
            });
            NumberReading n = clf.readNumber(struck);
            assertThat(n.text()).as("%d degrees, digits %s", degrees, n.digits()).isEqualTo("1234");
            assertThat(n.containsNonDigit()).as("%d degrees: nothing of the line left to look like no digit", degrees)
                    .isFalse();
        }
    }

    @Test
    void aSecondRowIsReportedNotMixedIntoTheFirst() {
        BufferedImage rows = draw(260, 300, g -> {
            twelve(g, 50, 20);
            twelve(g, 60, 170);
        });
        assertThatThrownBy(() -> clf.readNumber(rows)).isInstanceOfSatisfying(InvalidImageException.class,
                e -> assertThat(e.kind()).isEqualTo(InvalidImageException.Kind.SEVERAL_ROWS))
                .hasMessageContaining("2 rows");
    }
}
