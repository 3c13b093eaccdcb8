// A lesson's video: resume where the learner left off, and report to the platform, at most
// every few seconds, where the video is and the stretch it played without a jump since the
// last report (a seek ends a stretch, so skipping ahead counts nothing).
(function () {
  "use strict";
  var video = document.querySelector("video[data-report]");
  if (!video) return;
  var every = 1000 * (parseFloat(video.dataset.every) || 10);
  var resume = parseFloat(video.dataset.resume) || 0;
  var start = null; // where the current stretch began
  var last = null; // the last position seen while playing
  var pending = []; // stretches played, not yet accepted
  var sending = false;
  var lastSent = Date.now(); // the first report comes a period after the page opens

  video.addEventListener("loadedmetadata", function () {
    if (resume > 0 && resume < video.duration - 1) video.currentTime = resume;
  });

  function close() {
    if (start !== null && last !== null && last > start) pending.push([start, last]);
    start = null;
    last = null;
  }

  video.addEventListener("timeupdate", function () {
    if (video.seeking || video.paused) return;
    var now = video.currentTime;
    if (start === null || last === null || now < last || now - last > 2) {
      close();
      start = now;
    }
    last = now;
    if (Date.now() - lastSent >= every) send();
  });
  video.addEventListener("seeking", close);
  video.addEventListener("pause", function () { close(); sendSoon(); });
  video.addEventListener("ended", function () { close(); sendSoon(); });

  function sendSoon() { // at once, or when the platform's 2 s between reports have passed
    var wait = 2100 - (Date.now() - lastSent);
    if (wait > 0) setTimeout(send, wait); else send();
  }

  // Leaving the page: what was played since the last report goes in a beacon (its CSRF token
  // as a form field, as beacons carry no headers).
  window.addEventListener("pagehide", function () {
    close();
    if (!pending.length || !navigator.sendBeacon) return;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", video.dataset.csrf);
    body.append("position", video.currentTime.toFixed(2));
    body.append("start", pending[0][0].toFixed(2));
    body.append("end", pending[0][1].toFixed(2));
    navigator.sendBeacon(video.dataset.report, body);
  });

  function send() {
    if (sending) return;
    close();
    if (!video.paused && !video.ended) {
      start = video.currentTime;
      last = video.currentTime;
    }
    var body = new FormData();
    body.append("position", video.currentTime.toFixed(2));
    var stretch = pending.length ? pending[0] : null;
    if (stretch) {
      body.append("start", stretch[0].toFixed(2));
      body.append("end", stretch[1].toFixed(2));
    }
    sending = true;
    lastSent = Date.now();
    fetch(video.dataset.report, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": video.dataset.csrf },
    }).then(function (response) {
      if (response.ok) {
        if (stretch) pending.shift();
        return response.json().then(function (data) {
          var percent = document.querySelector("[data-testid=percent]");
          var watched = document.querySelector("[data-testid=watched]");
          if (percent) percent.textContent = data.percent + "%";
          if (watched) watched.textContent = Math.round(data.watched);
          video.dataset.completed = data.completed ? "yes" : "no";
        });
      }
      if (response.status === 400 && stretch) pending.shift(); // refused: not sent again
      if (response.status === 429) setTimeout(send, 2100); // throttled: once more, later
    }).catch(function () {}).then(function () { sending = false; });
  }
})();
