/* 部门决算公开平台 — small progressive enhancements; every page works without them.
 * Wide tables: the leading code and name cells stay in view while the table scrolls
 * sideways (their offsets are measured here, CSS does the sticking), and a cue says
 * that the table scrolls. */
(function () {
  "use strict";

  function pinColumns(box) {
    var table = box.querySelector("table.statement");
    if (!table) { return; }
    var first = table.querySelector("tbody tr td.pin-0");
    if (!first) { return; }
    var origin = table.getBoundingClientRect().left;
    var offsets = {};
    var edge = 0;
    first.parentNode.querySelectorAll("td.pin").forEach(function (td) {
      var rect = td.getBoundingClientRect();
      var index = /pin-(\d+)/.exec(td.className)[1];
      offsets[index] = rect.left - origin;
      edge = Math.max(edge, rect.right - origin);
    });
    table.querySelectorAll("tbody td.pin").forEach(function (td) {
      var index = /pin-(\d+)/.exec(td.className)[1];
      if (offsets[index] !== undefined) { td.style.left = offsets[index] + "px"; }
    });
    // Header cells above the pinned columns stay too.
    table.querySelectorAll("thead th").forEach(function (th) {
      var rect = th.getBoundingClientRect();
      if (rect.right - origin <= edge + 1) {
        th.classList.add("pin");
        th.style.left = (rect.left - origin) + "px";
      }
    });
    table.classList.add("pinned");
  }

  function showCue(box) {
    var frame = box.parentNode;
    var cue = frame.previousElementSibling;
    function update() {
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (cue && cue.classList.contains("scroll-cue")) { cue.hidden = !wide; }
      frame.classList.toggle("more-right", wide && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
      frame.classList.toggle("more-left", wide && box.scrollLeft > 0);
    }
    box.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  function init() {
    document.querySelectorAll(".scroll-frame > .scroll").forEach(function (box) {
      pinColumns(box);
      showCue(box);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
