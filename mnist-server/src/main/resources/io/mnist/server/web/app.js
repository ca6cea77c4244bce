// The draw-a-digit page: strokes drawn with pointer events (mouse, pen or finger), sent as a PNG to the API while
// drawing (debounced, one request at a time), the answer shown with its ten probabilities and the 28x28 the model saw,
// and marked "Not a digit?" when the API says not_a_digit (the model's out-of-distribution score is above 1).
// No framework and nothing from another host: the server's Content-Security-Policy allows this origin only.
'use strict';

(() => {
  const $ = (selector) => document.querySelector(selector);
  const pad = $('#pad');
  const overlay = $('#overlay');
  const hint = $('#hint');
  const pen = $('#pen');
  const numberToggle = $('#number-mode');
  const answer = $('#answer');
  const confidence = $('#confidence');
  const errorLine = $('#error');
  const notADigit = $('#not-a-digit');
  const bars = $('#bars');
  const seen = $('#seen');
  const digitsView = $('#digits-view');
  const numberDigits = $('#number-digits');

  // Pen widths are in pixels of a pad 280 wide, whatever its size on screen; drawings are sent at that size.
  const REFERENCE = 280;
  // Long enough to skip requests while the pen moves fast, short enough to feel live.
  const DEBOUNCE_MS = 120;

  let strokes = [];      // each {width, points: [[x, y], ...]} with x, y in 0..1 of the pad
  let current = null;    // the stroke being drawn
  let photo = null;      // {file, image, fit} while an uploaded photo is shown instead of a drawing
  let timer = null;
  let inFlight = false;
  let again = false;     // the picture changed while a request was in flight
  let describing = true; // the model's description is being fetched
  let updates = 0;       // answers shown so far (an empty pad counts: its answer is blank)
  let waiting = [];      // [after, resolve] of settled(after)

  // ---- drawing -------------------------------------------------------------------------------------------------

  function resize() {
    const box = pad.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    for (const canvas of [pad, overlay]) {
      canvas.width = Math.round(box.width * ratio);
      canvas.height = Math.round(box.height * ratio);
    }
    redraw();
  }

  function paint(canvas, withPhoto) {
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    if (withPhoto && photo && photo.image) {
      photo.fit = fit(photo.image, canvas);
      g.drawImage(photo.image, photo.fit.x, photo.fit.y, photo.fit.w, photo.fit.h);
    }
    for (const s of strokes) {
      drawStroke(g, s, canvas.width, canvas.height);
    }
  }

  function drawStroke(g, stroke, w, h) {
    const [first, ...rest] = stroke.points;
    g.strokeStyle = '#000';
    g.fillStyle = '#000';
    g.lineWidth = stroke.width * w / REFERENCE;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    if (rest.length === 0) {
      g.beginPath();
      g.arc(first[0] * w, first[1] * h, g.lineWidth / 2, 0, 2 * Math.PI);
      g.fill();
      return;
    }
    g.beginPath();
    g.moveTo(first[0] * w, first[1] * h);
    for (const [x, y] of rest) {
      g.lineTo(x * w, y * h);
    }
    g.stroke();
  }

  function redraw() {
    paint(pad, true);
    clearOverlay();
    hint.classList.toggle('gone', strokes.length > 0 || photo !== null);
  }

  /** Where an image goes to fill the canvas without distortion. */
  function fit(image, canvas) {
    const scale = Math.min(canvas.width / image.naturalWidth, canvas.height / image.naturalHeight);
    const w = image.naturalWidth * scale;
    const h = image.naturalHeight * scale;
    return {x: (canvas.width - w) / 2, y: (canvas.height - h) / 2, w, h, scale};
  }

  function point(event) {
    const box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height];
  }

  pad.addEventListener('pointerdown', (event) => {
    if (event.pointerType === 'mouse' && event.button !== 0) {
      return;
    }
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    if (photo) {               // drawing starts afresh over an uploaded photo
      photo = null;
      strokes = [];
    }
    current = {width: Number(pen.value), points: [point(event)]};
    strokes.push(current);
    redraw();
    schedule();
  });

  pad.addEventListener('pointermove', (event) => {
    if (!current) {
      return;
    }
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) {
      current.points.push(point(e));
    }
    redraw();
    schedule();
  });

  for (const type of ['pointerup', 'pointercancel']) {
    pad.addEventListener(type, () => {
      if (current) {
        current = null;
        schedule(0);
      }
    });
  }

  function undo() {
    if (photo) {
      photo = null;
    } else {
      strokes.pop();
    }
    redraw();
    schedule(0);
  }

  function clear() {
    photo = null;
    strokes = [];
    redraw();
    schedule(0);
  }

  $('#undo').addEventListener('click', undo);
  $('#clear').addEventListener('click', clear);
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'z') {
      event.preventDefault();
      undo();
    }
  });

  numberToggle.addEventListener('change', () => {
    const number = numberToggle.checked;
    digitsView.hidden = number;
    numberDigits.hidden = !number;
    showNothing();
    schedule(0);
  });

  for (const input of [$('#upload'), $('#camera')]) {
    input.addEventListener('change', () => {
      const file = input.files && input.files[0];
      input.value = '';        // choosing the same file again is a change too
      if (!file) {
        return;
      }
      const image = new Image();
      const url = URL.createObjectURL(file);
      strokes = [];
      photo = {file, image: null, fit: null};
      image.onload = () => {
        if (photo && photo.file === file) {
          photo.image = image;
          redraw();
        }
        URL.revokeObjectURL(url);
      };
      // A format the browser cannot show (HEIC, say) is still sent: the server says what it makes of it.
      image.onerror = () => URL.revokeObjectURL(url);
      image.src = url;
      redraw();
      schedule(0);
    });
  }

  // ---- asking the server ---------------------------------------------------------------------------------------

  function schedule(delay = DEBOUNCE_MS) {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      recognize();
    }, delay);
  }

  function drawing() {
    const canvas = document.createElement('canvas');
    canvas.width = REFERENCE;
    canvas.height = REFERENCE;
    paint(canvas, false);
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  }

  async function recognize() {
    if (inFlight) {
      again = true;
      return;
    }
    if (!photo && strokes.length === 0) {
      showNothing();
      updates++;
      settle();
      return;
    }
    inFlight = true;
    const number = numberToggle.checked;
    const sent = photo;
    try {
      const body = sent ? sent.file : await drawing();
      const response = await fetch(number ? 'api/v1/numbers' : 'api/v1/digits?input=true', {
        method: 'POST',
        headers: {'Content-Type': body.type || 'application/octet-stream'},
        body,
      });
      const answered = await response.json();
      if (response.ok) {
        if (number) {
          showNumber(answered, sent);
        } else {
          showDigit(answered);
        }
      } else {
        showError(answered);
        const retry = Number(response.headers.get('Retry-After'));
        if (retry > 0) {
          setTimeout(() => schedule(0), retry * 1000);
        }
      }
    } catch (failure) {
      showError({error: 'unreachable', message: 'The server cannot be reached (' + failure.message + ').'});
    } finally {
      inFlight = false;
      updates++;
      if (again) {
        again = false;
        recognize();
      } else {
        settle();
      }
    }
  }

  /** Resolves the promises of settled(after) once nothing is scheduled, drawn or in flight, and more than
   *  {@code after} answers have been shown. */
  function settle() {
    if (timer === null && !inFlight && !again && !current && !describing) {
      const ready = waiting.filter(([after]) => updates > after);
      waiting = waiting.filter(([after]) => updates <= after);
      ready.forEach(([, resolve]) => resolve(updates));
    }
  }

  // ---- showing the answer --------------------------------------------------------------------------------------

  function percent(p) {
    return (100 * p).toFixed(p >= 0.995 || p < 0.0005 ? 0 : 1) + '%';
  }

  function buildBars() {
    for (let d = 0; d < 10; d++) {
      const row = document.createElement('li');
      row.innerHTML = '<span class="label"></span><span class="track"><span class="fill"></span></span>'
          + '<span class="pct"></span>';
      row.querySelector('.label').textContent = String(d);
      bars.appendChild(row);
    }
  }

  function setBars(probabilities) {
    const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
    bars.querySelectorAll('li').forEach((row, d) => {
      const p = probabilities ? probabilities[d] : 0;
      row.classList.toggle('top', d === best);
      row.querySelector('.fill').style.width = (100 * p).toFixed(1) + '%';
      row.querySelector('.pct').textContent = probabilities ? percent(p) : '';
      row.setAttribute('aria-label', d + ': ' + (probabilities ? percent(p) : 'no answer'));
    });
  }

  function setSeen(input) {
    const g = seen.getContext('2d');
    if (!input) {
      g.clearRect(0, 0, 28, 28);
      return;
    }
    const image = g.createImageData(28, 28);
    input.forEach((grey, i) => {
      image.data.set([grey, grey, grey, 255], 4 * i);
    });
    g.putImageData(image, 0, 0);
  }

  /** Shows the mark when the answer is probably not a digit; a model without the statistics sends neither field. */
  function markNotADigit(result, what) {
    notADigit.hidden = result.not_a_digit !== true;
    notADigit.title = result.ood_score == null ? ''
        : what + ' ' + result.ood_score.toFixed(2) + ': how unlike the MNIST digits it is (1 is the threshold)';
  }

  function showDigit(result) {
    answer.textContent = String(result.digit);
    confidence.textContent = percent(result.confidence) + ' sure';
    errorLine.textContent = '';
    markNotADigit(result, 'Not-a-digit score');
    setBars(result.probabilities);
    setSeen(result.input);
  }

  function showNumber(result, sent) {
    answer.textContent = result.text;
    confidence.textContent = percent(result.confidence) + ' sure of the whole number';
    errorLine.textContent = '';
    markNotADigit(result, 'Largest not-a-digit score of its digits');
    numberDigits.replaceChildren(...result.digits.map((d) => {
      const item = document.createElement('li');
      const digit = document.createElement('b');
      const sure = document.createElement('small');
      digit.textContent = String(d.digit);
      sure.textContent = d.not_a_digit === true ? 'not a digit?' : percent(d.confidence);
      item.classList.toggle('odd', d.not_a_digit === true);
      item.append(digit, sure);
      return item;
    }));
    drawBoxes(result.digits.map((d) => d.box), sent);
  }

  /** Outlines the digits found, on the drawing or the photo they came from. */
  function drawBoxes(boxes, sent) {
    clearOverlay();
    if (sent && (!sent.image || !sent.fit)) {
      return;
    }
    const g = overlay.getContext('2d');
    const place = sent ? sent.fit : {x: 0, y: 0, scale: overlay.width / REFERENCE};
    g.strokeStyle = '#2457c5';
    g.lineWidth = Math.max(2, overlay.width / 150);
    for (const b of boxes) {
      g.strokeRect(place.x + b.x * place.scale, place.y + b.y * place.scale, b.width * place.scale,
          b.height * place.scale);
    }
  }

  function clearOverlay() {
    overlay.getContext('2d').clearRect(0, 0, overlay.width, overlay.height);
  }

  function showNothing() {
    answer.innerHTML = '&nbsp;';
    confidence.innerHTML = '&nbsp;';
    errorLine.textContent = '';
    notADigit.hidden = true;
    setBars(null);
    setSeen(null);
    numberDigits.replaceChildren();
    clearOverlay();
  }

  function showError(problem) {
    showNothing();
    answer.textContent = '?';
    errorLine.textContent = problem.message || problem.error;
    errorLine.dataset.error = problem.error || '';
  }

  async function describeModel() {
    const line = $('#model');
    try {
      const response = await fetch('api/v1/model');
      const model = await response.json();
      if (!response.ok) {
        line.textContent = model.message;
        const retry = Number(response.headers.get('Retry-After'));
        if (retry > 0) {           // still loading; a model that failed to load is not asked again
          setTimeout(describeModel, 1000 * retry);
          return;
        }
      }
      describing = false;
      if (!response.ok) {
        settle();
        return;
      }
      const accuracy = model.test_accuracy == null ? ''
          : ', ' + (100 * model.test_accuracy).toFixed(2) + '% on the MNIST test set';
      const detector = model.not_a_digit_detector ? '' : ' It cannot tell when a drawing is not a digit.';
      line.textContent = 'Model: ' + model.network.name + ' network on ' + model.backend + ' (' + model.engine + ')'
          + accuracy + '. Draw with a mouse, pen or finger.' + detector;
    } catch (failure) {
      describing = false;
      line.textContent = 'The server cannot be reached (' + failure.message + ').';
    }
    settle();
  }

  // For tests and tools: how many answers the page has shown, and a promise that resolves with that count once the
  // page has shown more than `after` and is idle (nothing scheduled, drawn or in flight).
  window.mnistPage = {
    updates: () => updates,
    settled: (after = -1) => new Promise((resolve) => {
      waiting.push([after, resolve]);
      settle();
    }),
  };

  buildBars();
  showNothing();
  new ResizeObserver(resize).observe(pad);
  describeModel();
})();
