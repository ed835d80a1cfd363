/* The citizen's phone page (GET /t/{token}): keeps the server-rendered page current and sends the 好差评 form.
   Plain ES5 with XMLHttpRequest and EventSource where present (old Android WebViews): no modules, no fetch. */
(function () {
  "use strict";
  var body = document.body;
  var token = body.getAttribute("data-token");
  var base = "/api/v1/t/" + encodeURIComponent(token);
  var lastPhase = body.getAttribute("data-phase");
  var lastRecalls = parseInt(body.getAttribute("data-recalls") || "0", 10);
  var pollTimer = null;
  var score = null;
  var reason = null;

  function $(id) { return document.getElementById(id); }
  function setAll(cls, text) {
    var nodes = document.getElementsByClassName(cls);
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = text; }
  }
  function text(id, value) { var el = $(id); if (el) { el.textContent = value === null || value === undefined ? "" : value; } }

  function request(method, url, data, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader("Accept", "application/json");
    if (data) { xhr.setRequestHeader("Content-Type", "application/json"); }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var parsed = null;
      try { parsed = JSON.parse(xhr.responseText); } catch (e) { parsed = null; }
      done(xhr.status, parsed);
    };
    xhr.send(data ? JSON.stringify(data) : null);
  }

  function alertCitizen() {
    // Vibration and a short tone where the browser allows (many block sound until the page was touched).
    try { if (navigator.vibrate) { navigator.vibrate([400, 150, 400, 150, 400]); } } catch (e) { /* not allowed */ }
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { return; }
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.25;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.8);
    } catch (e2) { /* no sound */ }
  }

  function show(v) {
    text("number", v.number);
    text("zone", "");
    var zone = $("zone");
    zone.appendChild(document.createTextNode(v.zone_zh + " "));
    var en = document.createElement("small");
    en.textContent = v.zone_en;
    zone.appendChild(en);
    setAll("js-window", v.window === null || v.window === undefined ? "" : String(v.window));
    setAll("js-zone-zh", v.zone_zh);
    setAll("js-zone-en", v.zone_en);
    setAll("js-from-zh", v.from_zone_zh || "");
    setAll("js-from-en", v.from_zone_en || "");
    setAll("js-until", v.requeue_until_hm || "");
    text("ahead", v.ahead);
    text("ahead-en", v.ahead);
    text("wait-zh", v.wait_zh);
    text("wait-en", v.wait_en);
    $("transferred").hidden = !v.transfers;
    $("recalled").hidden = !v.recalls;
    if (lastPhase !== "rate" || v.phase !== "rate") { body.setAttribute("data-phase", v.phase); }
    var recalls = v.recalls || 0;
    if (v.phase === "called" && (lastPhase !== "called" || recalls > lastRecalls)) { alertCitizen(); }
    lastPhase = v.phase;
    lastRecalls = recalls;
  }

  function poll() {
    request("GET", base, null, function (status, v) {
      $("offline").hidden = status === 200;
      if (status === 200 && v) { show(v); }
    });
  }

  function startPolling() {
    if (pollTimer === null) { pollTimer = window.setInterval(poll, 10000); }
  }
  function stopPolling() {
    if (pollTimer !== null) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  function listen() {
    if (!window.EventSource) { startPolling(); return; }
    var es = new EventSource(base + "/events");
    es.addEventListener("status", function (ev) {
      $("offline").hidden = true;
      stopPolling();  // the stream works again
      try { show(JSON.parse(ev.data)); } catch (e) { /* ignore a broken message */ }
    });
    es.addEventListener("gone", function () { es.close(); });
    es.onerror = function () {
      // The browser reconnects by itself; meanwhile poll, so the page never stays stale.
      poll();
      startPolling();
    };
  }

  // ---- 好差评 ----
  function pick(cls, attr, value) {
    var nodes = document.getElementsByClassName(cls);
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].className = nodes[i].getAttribute(attr) === value ? cls + " on" : cls;
    }
  }
  function refreshSubmit() {
    var bad = score !== null && score <= 2;
    $("bad").hidden = !bad;
    $("rate-submit").disabled = score === null || (bad && reason === null);
  }
  function wireRating() {
    var levels = document.getElementsByClassName("level");
    var reasons = document.getElementsByClassName("reason");
    var i;
    for (i = 0; i < levels.length; i++) {
      levels[i].onclick = function () {
        score = parseInt(this.getAttribute("data-score"), 10);
        pick("level", "data-score", String(score));
        refreshSubmit();
      };
    }
    for (i = 0; i < reasons.length; i++) {
      reasons[i].onclick = function () {
        reason = this.getAttribute("data-reason");
        pick("reason", "data-reason", reason);
        refreshSubmit();
      };
    }
    $("rate-form").onsubmit = function (ev) {
      ev.preventDefault();
      if (score === null) { return false; }
      var payload = {score: score};
      if (score <= 2) { payload.reason = reason; }
      if ($("comment").value) { payload.comment = $("comment").value; }
      if ($("contact").value) { payload.contact = $("contact").value; }
      $("rate-submit").disabled = true;
      request("POST", base + "/rating", payload, function (status, answer) {
        if (status === 201 || (answer && answer.error === "already_rated")) {
          body.setAttribute("data-phase", "thanks");
          lastPhase = "thanks";
          return;
        }
        var err = $("rate-error");
        err.hidden = false;
        err.textContent = (answer && answer.message) || ("提交失败 Could not send (" + status + ")");
        refreshSubmit();
      });
      return false;
    };
  }

  wireRating();
  listen();
}());
