// Scan a voucher's QR code with the camera, where the browser has BarcodeDetector.
// Progressive enhancement: without it (or without a camera) the code is typed, and the
// form works the same. Fills the code field and submits the lookup form.
(function () {
  "use strict";
  var box = document.querySelector("[data-scan]");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var form = box.closest("form");
  var input = form.querySelector("input[name=code]");
  var start = box.querySelector("[data-scan-start]");
  var video = box.querySelector("[data-scan-video]");
  var status = box.querySelector("[data-scan-status]");
  var stream = null;
  var detector = null;

  function say(text) { status.textContent = text; }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.hidden = true;
  }

  function tick() {
    if (!stream) { return; }
    detector.detect(video).then(function (codes) {
      if (codes.length) {
        input.value = codes[0].rawValue;
        stop();
        say(box.dataset.found || "Code lu.");
        form.submit();
        return;
      }
      window.setTimeout(tick, 250);
    }).catch(function () { window.setTimeout(tick, 500); });
  }

  BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) { return; }
    detector = new BarcodeDetector({ formats: ["qr_code"] });
    box.hidden = false;
    start.addEventListener("click", function () {
      if (stream) { stop(); say(""); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          return video.play();
        })
        .then(function () { say(box.dataset.looking || "Présentez le QR code à la caméra."); tick(); })
        .catch(function () { stop(); say(box.dataset.denied || "Caméra indisponible : tapez le code."); });
    });
  }).catch(function () {});
})();
