// The infection playback of report.html: colours the nodes as one heartbeat (or publish)
// reaches them, with play/pause, step, speed and a time slider. Progress is in the DOM:
// the data-frame (nodes reached) and data-t (ms since the start) attributes of #playback.
// Opening the page with #play (or ?autoplay) starts it.
(function () {
  "use strict";
  var root = document.getElementById("playback");
  var source = document.getElementById("pb-data");
  if (!root || !source) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var circles = root.querySelectorAll("#pb-nodes circle");
  var kind = document.getElementById("pb-spread");
  var playButton = document.getElementById("pb-play");
  var stepButton = document.getElementById("pb-step");
  var speed = document.getElementById("pb-speed");
  var slider = document.getElementById("pb-time");
  var status = document.getElementById("pb-status");
  var cursor = document.getElementById("pb-cursor");
  var TICK_MS = 40; // real time between two frames
  var WHOLE_MS = 6000; // real time of a whole spread at speed 1
  var spread = null;
  var times = [];
  var end = 1;
  var t = 0;
  var timer = null;

  function duration(ms) {
    return ms < 1000 ? ms.toFixed(1) + " ms" : (ms / 1000).toFixed(2) + " s";
  }

  function show(newT) {
    t = Math.max(0, Math.min(end, newT));
    var reached = 0;
    var up = 0;
    var fresh = end / 20;
    for (var i = 0; i < circles.length; i += 1) {
      var at = spread.arrived[i];
      var cls = "node";
      if (!spread.up[i]) {
        cls += " down";
      } else {
        up += 1;
      }
      if (at !== null && at <= t) {
        reached += 1;
        cls += t - at < fresh && at > 0 ? " fresh" : " reached";
      }
      if (i === spread.origin) {
        cls += " origin";
      }
      circles[i].setAttribute("class", cls);
    }
    root.setAttribute("data-frame", String(reached));
    root.setAttribute("data-t", t.toFixed(3));
    slider.value = String(Math.round((t / end) * 1000));
    status.textContent = "t = " + duration(t) + " after the " + spread.kind + ": " + reached +
      "/" + circles.length + " nodes reached (" + up + " up at its start)";
    if (cursor) {
      var x = data.curve_x0 + ((spread.at_ms + t) / data.run_ms) * data.curve_w;
      cursor.setAttribute("x1", x.toFixed(2));
      cursor.setAttribute("x2", x.toFixed(2));
    }
  }

  function pause() {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
    playButton.textContent = "play";
  }

  function play() {
    if (t >= end) {
      show(0);
    }
    pause();
    playButton.textContent = "pause";
    timer = setInterval(function () {
      show(t + (end * TICK_MS * Number(speed.value)) / WHOLE_MS);
      if (t >= end) {
        pause();
      }
    }, TICK_MS);
  }

  function step() {
    pause();
    for (var k = 0; k < times.length; k += 1) {
      if (times[k] > t) {
        show(times[k]);
        return;
      }
    }
    show(end);
  }

  function select(index) {
    pause();
    spread = data.spreads[index];
    times = spread.arrived.filter(function (a) { return a !== null; });
    times.sort(function (a, b) { return a - b; });
    end = times.length > 0 && times[times.length - 1] > 0 ? times[times.length - 1] : 1;
    show(0);
  }

  playButton.addEventListener("click", function () {
    if (timer === null) {
      play();
    } else {
      pause();
    }
  });
  stepButton.addEventListener("click", step);
  slider.addEventListener("input", function () {
    pause();
    show((Number(slider.value) / 1000) * end);
  });
  kind.addEventListener("change", function () {
    select(Number(kind.value));
  });
  select(0);
  if (window.location.hash === "#play" || /[?&]autoplay\b/.test(window.location.search)) {
    play();
  }
})();
