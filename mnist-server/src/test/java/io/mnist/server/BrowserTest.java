package io.mnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.mnist.api.DigitClassifiers;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.PointerInput;
import org.openqa.selenium.interactions.Sequence;

/**
 * The draw-a-digit page in a real browser: Debian's headless Chromium driven through its own chromedriver (both
 * given by path, so Selenium never looks for or downloads a browser), against the server with the djl backend's
 * bundled model. Strokes are drawn as pen pointer events, one by one, as a person would.
 *
 * <p>Needs {@code chromium} and {@code chromium-driver} ({@code apt-get install chromium chromium-driver};
 * {@code .ci/run} installs them). Without them the test is skipped with a message, except in CI (or with
 * {@code -Dmnist.browserTest=required}), where it fails: it must not pass silently there.
 */
class BrowserTest {
    private static final String CHROMIUM = System.getProperty("mnist.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("mnist.chromedriver", "/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static MnistServer server;
    private static ChromeDriver driver;
    private static Path profile;

    @BeforeAll
    static void start() throws Exception {
        requireBrowser();
        server = MnistServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0),
                () -> DigitClassifiers.pretrained("djl"));
        server.awaitModel();
        profile = Files.createTempDirectory("mnist-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // Headless, in a fresh profile, and with every background connection off: the network here is closed, and
        // the page must work with nothing but this server.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + profile, "--window-size=1000,860", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        // Only a guard against a page that never answers; the assertions are about what the page shows.
        driver.manage().timeouts().scriptTimeout(Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @BeforeEach
    void openPage() {
        driver.get(server.uri().toString());
        settled();
    }

    @Test
    void readsADigitDrawnStrokeByStrokeAndShowsWhatTheModelSaw() throws IOException {
        WebElement pad = driver.findElement(By.id("pad"));
        assertThat(text("model")).contains("djl").contains("99.62%");

        answered(() -> stroke(pad, 0.25, 0.2, 0.5, 0.19, 0.75, 0.2));                  // a 7: the bar,
        answered(() -> stroke(pad, 0.75, 0.2, 0.65, 0.45, 0.55, 0.65, 0.48, 0.85));    // then the leg

        assertThat(text("answer")).isEqualTo("7");
        assertThat(text("confidence")).endsWith("% sure");
        assertThat(driver.findElement(By.id("not-a-digit")).isDisplayed()).as("a 7 is a digit").isFalse();
        assertThat(driver.findElement(By.cssSelector("#bars li.top .label")).getText()).isEqualTo("7");
        assertThat(driver.findElements(By.cssSelector("#bars li"))).hasSize(10);
        assertThat(script("const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28)"
                + ".data; let ink = 0; for (let i = 0; i < d.length; i += 4) ink += d[i]; return ink;"))
                .as("the 28x28 the model saw is drawn beside the drawing").isNotEqualTo(0L);
        screenshot("draw-a-digit.png");
    }

    @Test
    void marksADrawnLetterAsNotADigitAndTakesTheMarkAwayWithIt() throws IOException {
        WebElement pad = driver.findElement(By.id("pad"));
        WebElement mark = driver.findElement(By.id("not-a-digit"));

        // An N in one stroke: scored 1.72 (threshold 1) with the bundled model, read as a 2 at 73%.
        answered(() -> stroke(pad, 0.2, 0.8, 0.2, 0.2, 0.8, 0.8, 0.8, 0.2));

        assertThat(text("answer")).as("still answered with a digit").matches("[0-9]");
        assertThat(mark.isDisplayed()).as("an N is marked").isTrue();
        assertThat(mark.getText()).isEqualTo("Not a digit?");
        assertThat(mark.getAttribute("title")).contains("1 is the threshold");
        screenshot("not-a-digit.png");

        answered(() -> driver.findElement(By.id("clear")).click());
        assertThat(mark.isDisplayed()).as("no drawing, no mark").isFalse();
    }

    @Test
    void undoTakesBackTheLastStrokeAndClearEmptiesThePad() {
        WebElement pad = driver.findElement(By.id("pad"));
        answered(() -> stroke(pad, 0.5, 0.15, 0.5, 0.5, 0.5, 0.85));
        answered(() -> stroke(pad, 0.3, 0.5, 0.7, 0.5));

        answered(() -> driver.findElement(By.id("undo")).click());
        assertThat(text("answer")).as("one vertical stroke left").isEqualTo("1");

        answered(() -> driver.findElement(By.id("clear")).click());
        assertThat(text("answer")).isEmpty();
        assertThat(text("error")).isEmpty();
    }

    @Test
    void readsANumberInNumberMode() throws IOException {
        WebElement pad = driver.findElement(By.id("pad"));
        answered(() -> driver.findElement(By.cssSelector("label.toggle")).click());

        answered(() -> stroke(pad, 0.22, 0.25, 0.22, 0.5, 0.22, 0.75));                // 1
        stroke(pad, 0.45, 0.27, 0.62, 0.26, 0.8, 0.27);                                 // 7: bar
        answered(() -> stroke(pad, 0.8, 0.27, 0.72, 0.45, 0.66, 0.6, 0.62, 0.75));     // 7: leg

        assertThat(text("answer")).isEqualTo("17");
        assertThat(driver.findElements(By.cssSelector("#number-digits li"))).hasSize(2);
        assertThat(driver.findElement(By.id("digits-view")).isDisplayed()).isFalse();
        screenshot("number-mode.png");
    }

    @Test
    void readsAnUploadedPhoto() throws IOException {
        Path photo = Files.createTempFile("digit-", ".jpg");
        try (InputStream in = BrowserTest.class.getResourceAsStream("images/three.jpg")) {
            Files.copy(in, photo, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            answered(() -> driver.findElement(By.id("upload")).sendKeys(photo.toAbsolutePath().toString()));

            assertThat(text("answer")).isEqualTo("3");
            assertThat(text("error")).isEmpty();
            screenshot("uploaded-photo.png");
        } finally {
            Files.delete(photo);
        }
    }

    @Test
    void saysWhatIsWrongWithAFileThatIsNotAnImage() throws IOException {
        Path notes = Files.createTempFile("notes-", ".txt");
        Files.writeString(notes, "not a picture");
        try {
            answered(() -> driver.findElement(By.id("upload")).sendKeys(notes.toAbsolutePath().toString()));

            assertThat(text("answer")).isEqualTo("?");
            assertThat(text("error")).contains("not an image");
        } finally {
            Files.delete(notes);
        }
    }

    /** Draws one stroke through points given as x, y pairs in 0..1 of the pad, with a pen. */
    private static void stroke(WebElement pad, double... xy) {
        Dimension size = pad.getSize();
        PointerInput pen = new PointerInput(PointerInput.Kind.PEN, "pen");
        Sequence s = new Sequence(pen, 0);
        for (int i = 0; i < xy.length; i += 2) {
            // Offsets from the element's centre, as WebDriver measures them.
            int dx = (int) Math.round((xy[i] - 0.5) * size.getWidth());
            int dy = (int) Math.round((xy[i + 1] - 0.5) * size.getHeight());
            s.addAction(pen.createPointerMove(i == 0 ? Duration.ZERO : Duration.ofMillis(40),
                    PointerInput.Origin.fromElement(pad), dx, dy));
            if (i == 0) {
                s.addAction(pen.createPointerDown(PointerInput.MouseButton.LEFT.asArg()));
            }
        }
        s.addAction(pen.createPointerUp(PointerInput.MouseButton.LEFT.asArg()));
        driver.perform(List.of(s));
    }

    /** Waits until the page is idle: nothing scheduled, drawn or in flight (the page's own promise, no polling). */
    private static void settled() {
        driver.executeAsyncScript("window.mnistPage.settled().then(arguments[arguments.length - 1]);");
    }

    /** Does {@code action}, then waits until the page has shown an answer to it and is idle again. */
    private static void answered(Runnable action) {
        long before = (Long) script("return window.mnistPage.updates();");
        action.run();
        driver.executeAsyncScript("window.mnistPage.settled(arguments[0]).then(arguments[arguments.length - 1]);",
                before);
    }

    private static String text(String id) {
        return driver.findElement(By.id(id)).getText().strip();
    }

    private static Object script(String body) {
        return ((JavascriptExecutor) driver).executeScript(body);
    }

    private static void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }

    private static void requireBrowser() {
        List<String> missing = Stream.of(CHROMIUM, CHROMEDRIVER).filter(p -> !Files.isExecutable(Path.of(p))).toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = "The browser test needs " + String.join(" and ", missing) + ": apt-get install chromium"
                + " chromium-driver (or give -Dmnist.chromium=PATH -Dmnist.chromedriver=PATH)";
        if (System.getenv("CI") != null || "required".equals(System.getProperty("mnist.browserTest"))) {
            fail(message);
        }
        System.err.println("[mnist] Skipping BrowserTest. " + message);
        Assumptions.abort(message);
    }
}
