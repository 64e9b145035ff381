// kg serve: small progressive enhancements; every page works without them.
// No inline scripts (the Content-Security-Policy forbids them) and no HTML built from strings:
// the evidence panel shows a clone of the server-rendered (escaped) evidence list item.
(function () {
  "use strict";

  function lineage() {
    var svg = document.querySelector("svg.lineage");
    var panel = document.querySelector("#evidence-panel .panel-body");
    if (!svg || !panel) return;
    var pinned = null;
    var placeholder = panel.cloneNode(true);

    // a big picture opens scrolled to its start node
    var figure = svg.parentNode;
    var start = svg.querySelector(".node.start rect");
    if (start && figure && (figure.scrollHeight > figure.clientHeight || figure.scrollWidth > figure.clientWidth)) {
      var x = parseFloat(start.getAttribute("x")), y = parseFloat(start.getAttribute("y"));
      figure.scrollLeft = Math.max(0, x - 40);
      figure.scrollTop = Math.max(0, y - figure.clientHeight / 3);
    }

    function show(edge) {
      var item = document.getElementById(edge.getAttribute("data-ev"));
      var edges = svg.querySelectorAll(".edge");
      for (var i = 0; i < edges.length; i++) edges[i].classList.toggle("active", edges[i] === edge);
      while (panel.firstChild) panel.removeChild(panel.firstChild);
      if (item) {
        var copy = item.cloneNode(true);
        copy.removeAttribute("id");
        var ul = document.createElement("ul");
        ul.className = "evidence-list";
        ul.appendChild(copy);
        panel.appendChild(ul);
      } else {
        var p = document.createElement("p");
        p.textContent = edge.getAttribute("data-evidence") || "";
        panel.appendChild(p);
      }
    }

    function reset() {
      var edges = svg.querySelectorAll(".edge.active");
      for (var i = 0; i < edges.length; i++) edges[i].classList.remove("active");
      while (panel.firstChild) panel.removeChild(panel.firstChild);
      var copy = placeholder.cloneNode(true);
      while (copy.firstChild) panel.appendChild(copy.firstChild);
    }

    var edges = svg.querySelectorAll(".edge");
    for (var i = 0; i < edges.length; i++) {
      (function (edge) {
        edge.addEventListener("mouseenter", function () { if (!pinned) show(edge); });
        edge.addEventListener("focus", function () { show(edge); });
        edge.addEventListener("mouseleave", function () { if (!pinned) reset(); else show(pinned); });
        edge.addEventListener("click", function (ev) {
          ev.preventDefault();
          pinned = pinned === edge ? null : edge;
          if (pinned) show(edge); else reset();
        });
        edge.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            pinned = edge;
            show(edge);
          }
        });
      })(edges[i]);
    }
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { pinned = null; reset(); }
    });
  }

  function filters() {
    var selects = document.querySelectorAll("select.autosubmit");
    for (var i = 0; i < selects.length; i++) {
      selects[i].addEventListener("change", function (ev) { ev.target.form.submit(); });
    }
  }

  function copyButtons() {
    var buttons = document.querySelectorAll("button.copy");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (ev) {
        var src = ev.target.parentNode.querySelector(".copy-src");
        if (!src) return;
        src.select();
        var done = function () { ev.target.textContent = "Đã sao chép"; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(src.value).then(done, function () { document.execCommand("copy"); done(); });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    }
  }

  function init() { lineage(); filters(); copyButtons(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
