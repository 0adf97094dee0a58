// The check-in page's camera scan (events/manage/check_in.html): an enhancement. Without it the organizer types the
// code. A resident's QR code holds the address of this page with ?q=<code>; reading it fills the search and sends
// it. Uses the browser's BarcodeDetector where there is one, else jsQR (static/vendor/jsqr, loaded on demand).
(function () {
  "use strict";
  var area = document.querySelector("[data-scan-area]");
  var video = document.querySelector("[data-scan-video]");
  var form = document.getElementById("check-in-search");
  if (!area || !video || !form || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  area.classList.remove("d-none");
  var button = area.querySelector("[data-scan-start]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;

  function codeFrom(text) {
    try {
      var url = new URL(text, window.location.href);
      return url.searchParams.get("q") || "";
    } catch (error) {
      return "";
    }
  }

  function found(text) {
    var code = codeFrom(text) || (/^\d{6}$/.test(text) ? text : "");
    if (!code) {
      return false;
    }
    stop();
    form.elements.q.value = code;
    form.submit();
    return true;
  }

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.classList.add("d-none");
  }

  function detector() {
    if ("BarcodeDetector" in window) {
      var native = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function () {
        return native.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }
    return function () {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return Promise.resolve(code ? code.data : null);
    };
  }

  function loadReader(ready) {
    if ("BarcodeDetector" in window || window.jsQR) {
      ready();
      return;
    }
    var script = document.createElement("script");
    script.src = area.getAttribute("data-reader");
    script.onload = ready;
    document.head.appendChild(script);
  }

  function scan(read) {
    if (!stream) {
      return;
    }
    if (video.readyState < 2) {
      window.setTimeout(function () { scan(read); }, 200);
      return;
    }
    read().then(function (text) {
      if (!(text && found(text))) {
        window.setTimeout(function () { scan(read); }, 250);
      }
    }, function () { window.setTimeout(function () { scan(read); }, 500); });
  }

  button.addEventListener("click", function () {
    if (stream) {
      stop();
      return;
    }
    loadReader(function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
        stream = media;
        video.srcObject = media;
        video.classList.remove("d-none");
        video.play();
        scan(detector());
      }, function () {
        button.textContent = area.getAttribute("data-refused");
        button.disabled = true;
      });
    });
  });
})();
