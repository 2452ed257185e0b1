/* healthy_streets meeting-map helpers.
 *
 * Every text that comes from a data file is shown through textContent (never innerHTML),
 * so a report whose title is markup shows the markup's characters. Icons are SVG path
 * data written by the toolkit, not by data files. The legend is written by the toolkit
 * (maps/meeting.py) with data-hs-* attributes; this script binds it to the layers. */
var HS = (function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  /* Layers and controls by key, so that the page's scripts (and tests) can find them. */
  var layers = {};
  var map = null;
  var state = { picking: false };
  /* Folds the phone's bottom sheet, if open, to give the map its room (set by bindSide). */
  var foldSheet = function () {};

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  function shorten(text, limit) {
    var s = String(text);
    if (s.length <= limit) { return s; }
    var cut = s.slice(0, limit - 1).replace(/\s+\S*$/, "");
    return (cut.length > limit / 2 ? cut : s.slice(0, limit - 1)) + "\u2026";
  }

  /* rows: [[label, value], ...]; the first row is the title. */
  function popupBox(rows) {
    var box = el("div", "hs-popup");
    var shown = rows.filter(function (r) {
      return r[1] !== null && r[1] !== undefined && r[1] !== "";
    });
    if (!shown.length) { return box; }
    box.appendChild(el("div", "hs-popup-title", shorten(shown[0][1], 120)));
    var list = el("dl");
    shown.slice(1).forEach(function (r) {
      list.appendChild(el("dt", null, r[0]));
      list.appendChild(el("dd", null, shorten(r[1], 280)));
    });
    box.appendChild(list);
    return box;
  }

  /* An SVG pictogram: a coloured disc with a white symbol (path data in a 24 x 24 box). */
  function pictogram(colour, path, size, dashed) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 32 32");
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    svg.setAttribute("aria-hidden", "true");
    var disc = document.createElementNS(SVG_NS, "circle");
    disc.setAttribute("cx", "16");
    disc.setAttribute("cy", "16");
    disc.setAttribute("r", "14.5");
    disc.setAttribute("fill", colour);
    disc.setAttribute("stroke", dashed ? "#000000" : "#ffffff");
    disc.setAttribute("stroke-width", "2.5");
    if (dashed) { disc.setAttribute("stroke-dasharray", "4 3"); }
    svg.appendChild(disc);
    var symbol = document.createElementNS(SVG_NS, "path");
    symbol.setAttribute("d", path);
    symbol.setAttribute("fill-rule", "evenodd");
    symbol.setAttribute("transform", "translate(4 4)");
    symbol.setAttribute("fill", "#ffffff");
    svg.appendChild(symbol);
    return svg;
  }

  function iconFor(category, size, dashed) {
    var holder = el("div", "hs-icon");
    holder.appendChild(pictogram(category.colour, category.symbol, size, dashed));
    return L.divIcon({
      html: holder,
      className: "hs-marker",
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
      popupAnchor: [0, -size / 2]
    });
  }

  function styleFor(styles, value) {
    return styles[value] || styles["*"] || {};
  }

  function geoJsonLayer(data, opts) {
    function featureStyle(feature) {
      var key = opts.styleProperty ? feature.properties[opts.styleProperty] : "*";
      return styleFor(opts.styles, key);
    }
    return L.geoJSON(data, {
      interactive: opts.interactive,
      style: featureStyle,
      /* points as rings (a circle marker's radius is in its style), never image markers */
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, featureStyle(feature));
      },
      onEachFeature: function (feature, layer) {
        if (!opts.interactive) { return; }
        var props = feature.properties;
        if (opts.popup.length) {
          layer.bindPopup(function () {
            return popupBox(opts.popup.map(function (p) { return [p[0], props[p[1]]]; }));
          });
        }
        if (opts.tooltip && props[opts.tooltip]) {
          layer.bindTooltip(function () { return el("span", null, props[opts.tooltip]); },
                            { sticky: true });
          /* Leaflet listens for focus on a line with a tooltip, which makes Chromium tab to
             every street: keep lines out of the tab order (the legend lists what they are) */
          layer.on("add", function () {
            var line = layer.getElement && layer.getElement();
            if (line) { line.setAttribute("tabindex", "-1"); }
          });
        }
      }
    });
  }

  /* Assets: a pictogram marker each; clustered when there are many. Categories can be
     shown and hidden one by one (the legend's rows). Neither markers nor cluster bubbles
     are tab stops: the keyboard reaches the controls first, and "List what is here" lists
     the places in view (addHereList). */
  function assetLayer(cols, opts) {
    var clustered = opts.cluster && typeof L.markerClusterGroup === "function";
    if (clustered && L.MarkerCluster) { L.MarkerCluster.mergeOptions({ keyboard: false }); }
    var group = clustered
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 35,
                               disableClusteringAtZoom: 18, chunkedLoading: true })
      : L.featureGroup();
    var icons = opts.categories.map(function (c) { return iconFor(c, opts.size, false); });
    var byCategory = opts.categories.map(function () { return []; });
    var hidden = {};
    function popupFor(layer) {
      var i = layer.hsIndex;
      var cat = opts.categories[cols.cat[i]];
      return popupBox(opts.popup.map(function (p) {
        return [p[0], p[1] === "cat" ? cat.label : cols[p[1]][i]];
      }));
    }
    var markers = [];
    for (var i = 0; i < cols.lat.length; i++) {
      var marker = L.marker([cols.lat[i], cols.lon[i]], {
        icon: icons[cols.cat[i]], keyboard: false,
        title: opts.categories[cols.cat[i]].label
      });
      marker.hsIndex = i;
      marker.bindPopup(popupFor);
      markers.push(marker);
      byCategory[cols.cat[i]].push(marker);
    }
    if (clustered) { group.addLayers(markers); } else { markers.forEach(function (m) { group.addLayer(m); }); }
    var keys = opts.categories.map(function (c) { return c.key; });
    /* Open place i's popup where its marker's would open, whether the marker is shown or
       inside a cluster (and return it). */
    group.hsOpen = function (i) {
      var offset = L.point(L.Popup.prototype.options.offset)
        .add(icons[cols.cat[i]].options.popupAnchor);
      return L.popup({ offset: offset }).setLatLng([cols.lat[i], cols.lon[i]])
        .setContent(popupFor(markers[i])).openOn(map);
    };
    group.hsColumns = cols;
    group.hsCategories = opts.categories;
    group.hsCategoryShown = function (key) { return keys.indexOf(key) >= 0 && !hidden[key]; };
    group.hsShowCategory = function (key, on) {
      var k = keys.indexOf(key);
      if (k < 0 || on === !hidden[key]) { return; }
      hidden[key] = !on;
      if (clustered) {
        if (on) { group.addLayers(byCategory[k]); } else { group.removeLayers(byCategory[k]); }
      } else {
        byCategory[k].forEach(function (m) {
          if (on) { group.addLayer(m); } else { group.removeLayer(m); }
        });
      }
    };
    return group;
  }

  /* ---- Reports: compact columns, filtered in the browser, drawn as heat and points ---- */

  function reportData(raw, shownKeys) {
    var n = raw.lat.length;
    var lat = new Float64Array(n), lon = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      lat[i] = raw.origin[0] + raw.lat[i] / raw.scale;
      lon[i] = raw.origin[1] + raw.lon[i] / raw.scale;
    }
    var keys = raw.categories.map(function (c) { return c.key; });
    var data = {
      raw: raw, n: n, lat: lat, lon: lon, keys: keys,
      day0: Date.parse(raw.day0 + "T00:00:00Z") / 86400000,
      shown: new Uint8Array(n),
      listeners: [],
      filter: {
        categories: keys.map(function (k) { return !shownKeys || shownKeys.indexOf(k) >= 0; }),
        statuses: raw.statuses.map(function () { return true; }),
        from: raw.dayMin, to: raw.dayMax
      }
    };
    data.dateOf = function (i) {
      return new Date((data.day0 + raw.day[i]) * 86400000);
    };
    /* perCategory: reports of each category the status and dates let through, whether
       or not the category itself is shown; count: the reports drawn. */
    data.apply = function () {
      var f = data.filter, shown = data.shown, count = 0;
      var perCategory = raw.categories.map(function () { return 0; });
      for (var i = 0; i < n; i++) {
        var ok = f.statuses[raw.status[i]] && raw.day[i] >= f.from && raw.day[i] <= f.to;
        if (ok) { perCategory[raw.cat[i]]++; }
        ok = ok && f.categories[raw.cat[i]];
        shown[i] = ok ? 1 : 0;
        if (ok) { count++; }
      }
      data.count = count;
      data.perCategory = perCategory;
      data.listeners.forEach(function (fn) { fn(data); });
    };
    data.onChange = function (fn) { data.listeners.push(fn); };
    /* one formatter for every date (making one per date costs most of a list's time) */
    var dates = new Intl.DateTimeFormat("en-GB", {
      day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    data.dateText = function (i) { return dates.format(data.dateOf(i)); };
    data.titleOf = function (i) {
      return raw.titles[raw.title[i]] || raw.categories[raw.cat[i]].label;
    };
    data.popupFor = function (i) {
      var cat = raw.categories[raw.cat[i]];
      return popupBox([
        ["Report", data.titleOf(i)],
        ["Category", cat.label],
        ["Date", data.dateText(i)],
        ["Status", raw.statusLabels[raw.status[i]]],
        ["Street", raw.street[i] >= 0 ? raw.streets[raw.street[i]] : null],
        ["Details", raw.detail[i] >= 0 ? raw.details[raw.detail[i]] : null]
      ]);
    };
    data.apply();
    return data;
  }

  /* A category's shape (corners around 0, 0; none for a circle), at x, y, r pixels. */
  function tracePath(ctx, corners, x, y, r) {
    if (!corners.length) {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 6.2832);
      return;
    }
    ctx.moveTo(x + corners[0][0] * r, y + corners[0][1] * r);
    for (var k = 1; k < corners.length; k++) {
      ctx.lineTo(x + corners[k][0] * r, y + corners[k][1] * r);
    }
    ctx.closePath();
  }

  /* Points drawn on one canvas: fast with 100,000 reports. The canvas lets the mouse
     through (hovering a street shows its name), so the canvas itself never hears a click:
     Leaflet gives a click on a street's line to the street, and the map hears only clicks
     on nothing. The layer therefore listens to the map's container before Leaflet does,
     and a click on a drawn report opens the report, whatever is drawn beneath it (a
     street, a gap, a zone's outline); what is drawn above the reports (places' markers,
     popups, the controls) keeps its clicks, and so does a click beside every report.
     Hovering, likewise: over a drawn report the map's container is marked .hs-on-report,
     which hides the name of the line beneath (map.css) and shows a pointer. */
  var CanvasPoints = L.Layer.extend({
    initialize: function (data, options) {
      this._data = data;
      L.setOptions(this, options);
      data.onChange(L.bind(this._redraw, this));
    },
    onAdd: function (map) {
      this._map = map;
      var canvas = this._canvas = L.DomUtil.create("canvas", "hs-points leaflet-zoom-animated");
      map.getPanes().overlayPane.appendChild(canvas);
      map.on("moveend zoomend resize viewreset", this._reset, this);
      map.on("zoomanim", this._animateZoom, this);
      this._onClick = this._onClick || L.bind(this._click, this);
      this._onMove = this._onMove || L.bind(this._move, this);
      this._onLeave = this._onLeave || L.bind(this._leave, this);
      var container = map.getContainer();
      container.addEventListener("click", this._onClick, true);
      container.addEventListener("mousemove", this._onMove, true);
      container.addEventListener("mouseleave", this._onLeave);
      map.on("moveend", this._later, this);
      this._reset();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend zoomend resize viewreset", this._reset, this);
      map.off("zoomanim", this._animateZoom, this);
      var container = map.getContainer();
      container.removeEventListener("click", this._onClick, true);
      container.removeEventListener("mousemove", this._onMove, true);
      container.removeEventListener("mouseleave", this._onLeave);
      map.off("moveend", this._later, this);
      this._leave();
      this._map = null;
    },
    /* The canvas only ever grows, and starts big enough for a printed page's map:
       Chromium prints a canvas resized while it prepares to print as an opaque sheet,
       which would hide the streets beneath. */
    _reset: function () {
      var map = this._map, size = map.getSize(), canvas = this._canvas;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      var width = Math.max(size.x, 1100), height = Math.max(size.y, 1100);
      if (canvas.width < width || canvas.height < height) {
        canvas.width = Math.max(canvas.width, width);
        canvas.height = Math.max(canvas.height, height);
      }
      this._redraw();
    },
    _animateZoom: function (e) {
      var scale = this._map.getZoomScale(e.zoom);
      var offset = this._map._getCenterOffset(e.center)._multiplyBy(-scale)
        .subtract(this._map._getMapPanePos());
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },
    _redraw: function () {
      if (!this._map) { return; }
      var data = this._data, raw = data.raw, ctx = this._canvas.getContext("2d");
      var map = this._map, r = this.options.radius;
      ctx.clearRect(0, 0, this._canvas.width, this._canvas.height);
      var bounds = map.getBounds().pad(0.05);
      var south = bounds.getSouth(), north = bounds.getNorth();
      var west = bounds.getWest(), east = bounds.getEast();
      var colours = raw.categories.map(function (c) { return c.colour; });
      var shapes = raw.categories.map(function (c) { return c.shape || []; });
      var look = raw.look;  /* open or faded: maps/style.py's REPORT_STATUS_LOOK */
      ctx.lineWidth = 1.5;
      ctx.lineJoin = "round";
      for (var i = 0; i < data.n; i++) {
        if (!data.shown[i]) { continue; }
        var la = data.lat[i], lo = data.lon[i];
        if (la < south || la > north || lo < west || lo > east) { continue; }
        var p = map.latLngToContainerPoint([la, lo]);
        var open = raw.status[i] === 0;
        ctx.beginPath();
        tracePath(ctx, shapes[raw.cat[i]], p.x, p.y, r);
        ctx.globalAlpha = look[open ? "open" : "faded"].fill_opacity;
        ctx.fillStyle = colours[raw.cat[i]];
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.strokeStyle = look[open ? "open" : "faded"].stroke;
        ctx.stroke();
      }
    },
    /* The drawn report under a container point, or -1. Only the reports within a box of
       latitudes and longitudes a pixel wider than the reach are placed on the screen:
       quick enough to follow the mouse with 100,000 reports. */
    hitAt: function (point) {
      var data = this._data, map = this._map, best = -1;
      var reach = this.options.radius + 3, bestD = reach * reach;
      var nw = map.containerPointToLatLng([point.x - reach - 1, point.y - reach - 1]);
      var se = map.containerPointToLatLng([point.x + reach + 1, point.y + reach + 1]);
      var north = nw.lat, south = se.lat, west = nw.lng, east = se.lng;
      for (var i = 0; i < data.n; i++) {
        if (!data.shown[i]) { continue; }
        var la = data.lat[i], lo = data.lon[i];
        if (la > north || la < south || lo < west || lo > east) { continue; }
        var q = map.latLngToContainerPoint([la, lo]);
        var dx = q.x - point.x, dy = q.y - point.y;
        if (dx > reach || dx < -reach || dy > reach || dy < -reach) { continue; }
        var d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = i; }
      }
      return best;
    },
    /* Whether a DOM element is drawn beneath the reports: the map's background, the
       tiles, the vector layers' lines and areas (and the heat map beneath them). */
    _beneath: function (target) {
      var map = this._map, panes = map.getPanes(), heat = map.getPane("hsHeat");
      return target === map.getContainer() || target === panes.mapPane ||
        panes.tilePane.contains(target) || panes.overlayPane.contains(target) ||
        (!!heat && heat.contains(target));
    },
    /* A click on the map's container, before Leaflet hands it to a layer: a drawn report
       under the pointer, with nothing above the reports on top, takes it. Not while
       placing a point ("Add a place"), nor at the end of a drag. */
    _click: function (ev) {
      var map = this._map;
      if (!map || state.picking || !this._beneath(ev.target)) { return; }
      if ((map.dragging && map.dragging.moved()) || (map.boxZoom && map.boxZoom.moved())) {
        return;
      }
      var hit = this.hitAt(map.mouseEventToContainerPoint(ev));
      if (hit < 0) { return; }
      ev.stopPropagation();  // the street beneath never hears it
      this.open(hit);
    },
    /* The mouse moved over the map (or the map under the mouse): once a frame, whether
       the mouse is over a drawn report with nothing above the reports on top (not while
       placing a point, nor with a button down, dragging the map). */
    _move: function (ev) {
      this._pointer = { clientX: ev.clientX, clientY: ev.clientY, buttons: ev.buttons };
      this._later();
    },
    _later: function () {
      if (!this._frame) { this._frame = L.Util.requestAnimFrame(this._hover, this); }
    },
    _hover: function () {
      this._frame = null;
      var map = this._map, at = this._pointer;
      if (!map || !at) { return; }
      var on = !state.picking && !at.buttons &&
        this._beneath(document.elementFromPoint(at.clientX, at.clientY)) &&
        this.hitAt(map.mouseEventToContainerPoint(at)) >= 0;
      L.DomUtil[on ? "addClass" : "removeClass"](map.getContainer(), "hs-on-report");
    },
    _leave: function () {
      this._pointer = null;
      if (this._frame) { L.Util.cancelAnimFrame(this._frame); this._frame = null; }
      if (this._map) { L.DomUtil.removeClass(this._map.getContainer(), "hs-on-report"); }
    },
    /* Open report i's popup (and return it). */
    open: function (i) {
      var data = this._data;
      return L.popup().setLatLng([data.lat[i], data.lon[i]])
        .setContent(data.popupFor(i)).openOn(this._map);
    },
    shownCount: function () { return this._data.count; },
    /* For print: the drawn reports as SVG (sharp on paper; Chromium prints a canvas drawn
       while it prepares to print as an opaque sheet, which would hide the streets). */
    printCopy: function () {
      this.clearPrintCopy();
      if (!this._map) { return; }
      var data = this._data, raw = data.raw, map = this._map, r = this.options.radius;
      var size = map.getSize(), groups = {};
      for (var i = 0; i < data.n; i++) {
        if (!data.shown[i]) { continue; }
        var p = map.latLngToContainerPoint([data.lat[i], data.lon[i]]);
        if (p.x < -r || p.y < -r || p.x > size.x + r || p.y > size.y + r) { continue; }
        var key = raw.cat[i] + (raw.status[i] === 0 ? ":open" : ":done");
        (groups[key] = groups[key] || []).push(shapePath(raw.categories[raw.cat[i]].shape || [],
                                                         p.x, p.y, r));
      }
      var svg = document.createElementNS(SVG_NS, "svg");
      svg.setAttribute("class", "hs-points-print");
      svg.setAttribute("width", size.x);
      svg.setAttribute("height", size.y);
      svg.setAttribute("aria-hidden", "true");
      Object.keys(groups).forEach(function (key) {
        var parts = key.split(":"), open = parts[1] === "open";
        var path = document.createElementNS(SVG_NS, "path");
        path.setAttribute("d", groups[key].join(""));
        path.setAttribute("fill", raw.categories[+parts[0]].colour);
        var seen = raw.look[open ? "open" : "faded"];
        path.setAttribute("fill-opacity", String(seen.fill_opacity));
        path.setAttribute("stroke", seen.stroke);
        path.setAttribute("stroke-width", "1.5");
        path.setAttribute("stroke-linejoin", "round");
        svg.appendChild(path);
      });
      L.DomUtil.setPosition(svg, map.containerPointToLayerPoint([0, 0]));
      map.getPanes().overlayPane.appendChild(svg);
      this._printCopy = svg;
    },
    clearPrintCopy: function () {
      if (this._printCopy) { L.DomUtil.remove(this._printCopy); this._printCopy = null; }
    }
  });

  /* A category's shape as SVG path data at x, y, r pixels. */
  function shapePath(corners, x, y, r) {
    function n(v) { return Math.round(v * 10) / 10; }
    if (!corners.length) {
      return "M" + n(x + r) + " " + n(y) + "a" + r + " " + r + " 0 1 0 " + (-2 * r) + " 0a" +
        r + " " + r + " 0 1 0 " + (2 * r) + " 0Z";
    }
    var out = "M" + n(x + corners[0][0] * r) + " " + n(y + corners[0][1] * r);
    for (var k = 1; k < corners.length; k++) {
      out += "L" + n(x + corners[k][0] * r) + " " + n(y + corners[k][1] * r);
    }
    return out + "Z";
  }

  function reportPoints(data, opts) { return new CanvasPoints(data, opts); }

  /* The heat map lies beneath the streets (and a canvas under the others prints well). */
  function reportHeat(data, opts, onMap) {
    if (!onMap.getPane("hsHeat")) { onMap.createPane("hsHeat").style.zIndex = 350; }
    opts.pane = "hsHeat";
    function points() {
      var out = [];
      for (var i = 0; i < data.n; i++) {
        if (data.shown[i]) { out.push([data.lat[i], data.lon[i], 1]); }
      }
      return out;
    }
    var heat = L.heatLayer(points(), opts);
    data.onChange(function () { heat.setLatLngs(points()); });
    return heat;
  }

  /* Show the reports (as points) if neither points nor the heat map is on. */
  function showReports() {
    if (!map) { return; }
    var points = layers.reports, heat = layers.reports_heat;
    if (points && !map.hasLayer(points) && !(heat && map.hasLayer(heat))) {
      map.addLayer(points);
    }
  }

  /* The report filter: binds the legend's category rows ("only this" too), the status
     boxes and the dates. */
  function reportFilter(data) {
    var raw = data.raw;
    function syncBoxes() {
      each("input[data-hs-report-cat]", function (input) {
        var k = data.keys.indexOf(input.getAttribute("data-hs-report-cat"));
        input.checked = k >= 0 && data.filter.categories[k];
      });
    }
    each("input[data-hs-report-cat]", function (input) {
      var k = data.keys.indexOf(input.getAttribute("data-hs-report-cat"));
      if (k < 0) { return; }
      input.addEventListener("change", function () {
        data.filter.categories[k] = input.checked;
        if (input.checked) { showReports(); }
        data.apply();
      });
    });
    each("button[data-hs-only-report]", function (button) {
      var k = data.keys.indexOf(button.getAttribute("data-hs-only-report"));
      if (k < 0) { return; }
      button.addEventListener("click", function () {
        data.keys.forEach(function (key, j) { data.filter.categories[j] = j === k; });
        syncBoxes();
        showReports();
        data.apply();
      });
    });
    each("input[data-hs-status]", function (input) {
      var k = raw.statuses.indexOf(input.getAttribute("data-hs-status"));
      if (k < 0) { return; }
      input.addEventListener("change", function () {
        data.filter.statuses[k] = input.checked;
        data.apply();
      });
    });
    each("input[data-hs-date]", function (input) {
      input.addEventListener("change", function () {
        var day = Date.parse(input.value + "T00:00:00Z") / 86400000 - data.day0;
        if (isNaN(day)) { return; }
        if (input.getAttribute("data-hs-date") === "from") { data.filter.from = day; }
        else { data.filter.to = day; }
        data.apply();
      });
    });
    function update() {
      each("[data-hs-report-shown]", function (node) { node.textContent = String(data.count); });
      each("[data-hs-date-problem]", function (node) {
        node.hidden = !(data.filter.from > data.filter.to);
      });
      each("[data-hs-report-count]", function (node) {
        var k = data.keys.indexOf(node.getAttribute("data-hs-report-count"));
        if (k >= 0) { node.textContent = String(data.perCategory[k]); }
      });
      refreshLegend();
    }
    syncBoxes();
    data.onChange(update);
    update();
    return { update: update };
  }

  /* ---- Residents add what they know ---- */

  function addPlaces(map, opts) {
    // one store serves every map opened from disk: keep each project's zones apart
    var key = "hs-additions:" + (opts.project ? opts.project + ":" : "") + opts.zoneId;
    var layer = L.featureGroup().addTo(map);
    var byKey = {};
    opts.categories.forEach(function (c) { byKey[c.key] = c; });

    /* The browser's store is shared by every page opened from disk and can hold anything:
       keep only well-formed additions, so one bad entry never stops the map drawing. */
    function text(value, limit) {
      return typeof value === "string" ? value.slice(0, limit) : "";
    }
    function wellFormed(a) {
      if (!a || typeof a !== "object") { return null; }
      var lat = Number(a.lat), lon = Number(a.lon);
      if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        return null;
      }
      return { lat: lat, lon: lon,
               category: byKey.hasOwnProperty(a.category) ? a.category : "other",
               name: text(a.name, 120), notes: text(a.notes, 500),
               added_at: text(a.added_at, 40) };
    }
    function load() {
      var stored;
      try {
        stored = JSON.parse(window.localStorage.getItem(key) || "[]");
      } catch (err) {
        return [];
      }
      return Array.isArray(stored) ? stored.map(wellFormed).filter(Boolean) : [];
    }
    var additions = load();
    function store() {
      try { window.localStorage.setItem(key, JSON.stringify(additions)); } catch (err) { /* private mode */ }
    }
    function save() {
      store();
      draw();
    }

    /* Once the officer has built the map again with a downloaded additions file, the map
       draws those places as its own: the same places still kept here would be drawn
       twice, and downloaded again. One is the same when the map draws a place from an
       additions file of its category, within IMPORTED_WITHIN_M metres, with the same name
       (letter case and spaces aside) or both without a name. */
    var IMPORTED_WITHIN_M = 5;
    function sameName(a, b) {
      function plain(s) {
        return (typeof s === "string" ? s : "").replace(/\s+/g, " ").trim().toLowerCase();
      }
      return plain(a) === plain(b);
    }
    function metresApart(a, b) {
      var rad = Math.PI / 180, mean = (a.lat + b.lat) / 2 * rad;
      var dx = (b.lon - a.lon) * rad * Math.cos(mean), dy = (b.lat - a.lat) * rad;
      return 6371008.8 * Math.sqrt(dx * dx + dy * dy);
    }
    function imported(a) {
      return (opts.imported || []).some(function (p) {
        var lat = Number(p.lat), lon = Number(p.lon);
        return p.category === a.category && isFinite(lat) && isFinite(lon) &&
          sameName(p.name, a.name) && metresApart(a, { lat: lat, lon: lon }) <= IMPORTED_WITHIN_M;
      });
    }
    var importedCount = additions.length;
    additions = additions.filter(function (a) { return !imported(a); });
    importedCount -= additions.length;
    if (importedCount > 0) { store(); }
    function draw() {
      layer.clearLayers();
      additions.forEach(function (a, index) {
        var cat = byKey[a.category] || byKey.other;
        var marker = L.marker([a.lat, a.lon], { icon: iconFor(cat, opts.size, true),
                                                title: "Added: " + cat.label });
        marker.bindPopup(function () {
          var box = popupBox([["Added at this meeting", a.name || cat.label],
                              ["Category", cat.label], ["Note", a.notes]]);
          var remove = el("button", "hs-button hs-remove", "Remove this place");
          remove.type = "button";
          remove.addEventListener("click", function () {
            additions.splice(index, 1);
            map.closePopup();
            save();
            if (addButton) { addButton.focus(); }  // the place and its popup are gone
          });
          box.appendChild(remove);
          return box;
        });
        layer.addLayer(marker);
      });
      if (downloadButton) {
        downloadButton.textContent = "Download my additions (" + additions.length + ")";
        downloadButton.disabled = additions.length === 0;
      }
      each("[data-hs-additions-count]", function (node) {
        node.textContent = String(additions.length);
      });
      refreshLegend();
    }

    var downloadButton = null, hint = null, addButton = null, cross = null;
    function form(latlng) {
      var box = el("form", "hs-add-form");
      box.setAttribute("aria-label", "Add a place");
      box.appendChild(el("div", "hs-popup-title", "Add a place"));
      var catLabel = el("label", null, "What is it?");
      var select = el("select");
      select.name = "category";
      opts.categories.forEach(function (c) {
        var option = el("option", null, c.label);
        option.value = c.key;
        select.appendChild(option);
      });
      catLabel.appendChild(select);
      var nameLabel = el("label", null, "Name");
      var name = el("input");
      name.name = "name";
      name.maxLength = 120;
      nameLabel.appendChild(name);
      var noteLabel = el("label", null, "Note");
      var note = el("textarea");
      note.name = "notes";
      note.maxLength = 500;
      note.rows = 3;
      noteLabel.appendChild(note);
      var save_ = el("button", "hs-button", "Save this place");
      save_.type = "submit";
      var cancel = el("button", "hs-button hs-secondary", "Cancel");
      cancel.type = "button";
      [catLabel, nameLabel, noteLabel, save_, cancel].forEach(function (n) { box.appendChild(n); });
      box.addEventListener("submit", function (ev) {
        ev.preventDefault();
        additions.push({
          lat: Math.round(latlng.lat * 1e6) / 1e6,
          lon: Math.round(latlng.lng * 1e6) / 1e6,
          category: select.value,
          name: name.value.trim(),
          notes: note.value.trim(),
          added_at: new Date().toISOString()
        });
        map.closePopup();
        save();
        if (addButton) { addButton.focus(); }
      });
      cancel.addEventListener("click", function () {
        map.closePopup();
        if (addButton) { addButton.focus(); }
      });
      box.addEventListener("keydown", function (ev) {
        if (ev.key === "Escape") { map.closePopup(); if (addButton) { addButton.focus(); } }
      });
      return { box: box, first: select };
    }
    function openForm(latlng) {
      var made = form(latlng);
      L.popup({ maxWidth: 320, minWidth: 240 }).setLatLng(latlng)
        .setContent(made.box).openOn(map);
      made.first.focus();
    }
    function startPicking() {
      state.picking = true;
      var container = map.getContainer();
      L.DomUtil.addClass(container, "hs-picking");
      foldSheet();  // on a phone, the open sheet leaves too little map for the hint and cross
      hint.hidden = false;
      cross.hidden = false;
      container.setAttribute("aria-describedby", hint.id);
      container.focus();
    }
    function stopPicking() {
      state.picking = false;
      var container = map.getContainer();
      L.DomUtil.removeClass(container, "hs-picking");
      hint.hidden = true;
      cross.hidden = true;
      container.removeAttribute("aria-describedby");
    }
    /* While placing, a click anywhere on the map places the point there: on the
       background, a tile, a drawn report, a marker, or an interactive line (a street, a
       gap, another zone's outline). Leaflet gives a click on a line or a marker to that
       layer, and the map's own click only fires over nothing, so the map's container
       listens first (in the capture phase) and nothing beneath hears the click. The
       controls and the popups (the form itself) keep their clicks, and so does the end
       of a drag. */
    function onTheMap(target) {
      var panes = map.getPanes();
      return target === map.getContainer() ||
        (panes.mapPane.contains(target) && !panes.popupPane.contains(target));
    }
    map.getContainer().addEventListener("click", function (ev) {
      if (!state.picking || !onTheMap(ev.target)) { return; }
      if ((map.dragging && map.dragging.moved()) || (map.boxZoom && map.boxZoom.moved())) {
        return;
      }
      ev.stopImmediatePropagation();  // nor the line beneath, nor the reports' layer
      stopPicking();
      openForm(map.mouseEventToLatLng(ev));
    }, true);
    /* From the keyboard: the arrow keys move the map under the cross at its centre
       (Leaflet's own keys), Enter places it there, Escape gives up. */
    map.getContainer().addEventListener("keydown", function (ev) {
      if (!state.picking) { return; }
      if (ev.key === "Enter") {
        ev.preventDefault();
        stopPicking();
        openForm(map.getCenter());
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        stopPicking();
        addButton.focus();
      }
    });

    function download() {
      var features = additions.map(function (a) {
        return {
          type: "Feature",
          geometry: { type: "Point", coordinates: [a.lon, a.lat] },
          properties: { name: a.name, category: a.category, notes: a.notes,
                        added_at: a.added_at }
        };
      });
      var collection = {
        type: "FeatureCollection",
        healthy_streets: { kind: opts.kind, version: 1, zone_id: opts.zoneId,
                           map: opts.zoneName, exported_at: new Date().toISOString() },
        features: features
      };
      var blob = new Blob([JSON.stringify(collection, null, 1)],
                          { type: "application/geo+json" });
      var link = el("a");
      link.href = URL.createObjectURL(blob);
      link.download = "additions-" + opts.zoneId + "-" +
        new Date().toISOString().slice(0, 10) + ".geojson";
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }

    var Control = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = el("div", "hs-add hs-panel-control");
        L.DomEvent.disableClickPropagation(box);
        addButton = el("button", "hs-button", "Add a place");
        addButton.type = "button";
        addButton.addEventListener("click", startPicking);
        hint = el("div", "hs-hint", "Click the map where the place is. With the keyboard: " +
                  "move the map with the arrow keys until the cross is on the place, then " +
                  "press Enter (Escape to stop).");
        hint.id = "hs-add-hint";
        hint.setAttribute("role", "status");
        hint.hidden = true;
        downloadButton = el("button", "hs-button hs-secondary", "Download my additions (0)");
        downloadButton.type = "button";
        downloadButton.addEventListener("click", download);
        box.appendChild(addButton);
        box.appendChild(hint);
        box.appendChild(downloadButton);
        box.appendChild(el("p", "hs-contact", opts.contact
          ? "Then send the file to " + opts.contact + "."
          : "Then give the file to the officer running the meeting."));
        if (importedCount > 0) {
          var said = el("p", "hs-imported", importedCount === 1
            ? "1 of your additions is now part of the map."
            : importedCount + " of your additions are now part of the map.");
          said.setAttribute("role", "status");
          box.appendChild(said);
        }
        return box;
      }
    });
    new Control().addTo(map);
    cross = el("div", "hs-cross");
    cross.setAttribute("aria-hidden", "true");
    cross.hidden = true;
    map.getContainer().appendChild(cross);
    draw();
    return { layer: layer, additions: function () { return additions.slice(); },
             download: download, start: startPicking };
  }

  /* ---- What is here: what is in view, from the keyboard ----
     The reports are drawn on one canvas, the places are markers that are no tab stops (a
     map may hold 100,000 reports), and the lines (streets, 20mph gaps, other zones) are
     no tab stops either (a zone has hundreds of streets). A button on the map lists what
     is in view nearest its middle, in small sections under headings: HERE_LIMIT reports
     and places at most, then a few streets (each once, by name), gaps to check and other
     zones (LINE_SECTIONS): 31 entries at most, whatever the map holds. The arrow keys on
     the map move others to the middle, + zooms in. Each is a button that opens the popup
     a click opens (a line's at its point nearest the map's middle); the keyboard goes
     into the popup, and Escape closes it and comes back to the button. The list is worked
     out only while it is open, and stays as it is while the keyboard is in it (or in a
     popup it opened), so that a popup panning the map never moves the button under the
     keyboard. */
  var HERE_LIMIT = 20;
  var LINE_SECTIONS = [
    { key: "streets", limit: 5, heading: "Streets", one: "street", many: "streets" },
    { key: "gaps", limit: 3, heading: "20mph gaps to check", one: "gap to check",
      many: "gaps to check" },
    { key: "other_zones", limit: 3, heading: "Other 20mph zones", one: "other 20mph zone",
      many: "other 20mph zones" }
  ];
  var here = null;
  var RAD = Math.PI / 180;

  function plural(n, one, many) {
    return n.toLocaleString("en-GB") + " " + (n === 1 ? one : many);
  }

  function andList(parts) {
    return parts.length < 2 ? parts.join("")
      : parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1];
  }

  /* Web Mercator, as the map draws the earth: distances in it are the screen's (to scale). */
  function mercator(la) { return Math.log(Math.tan(Math.PI / 4 + la * RAD / 2)); }
  function fromMercator(x, y) {
    return L.latLng((2 * Math.atan(Math.exp(y)) - Math.PI / 2) / RAD, x / RAD);
  }

  /* The view: its bounds, its edges in Web Mercator, and its middle. */
  function viewFrame() {
    var bounds = map.getBounds(), centre = map.containerPointToLatLng(map.getSize().divideBy(2));
    return { bounds: bounds, centre: centre,
             south: bounds.getSouth(), north: bounds.getNorth(),
             west: bounds.getWest(), east: bounds.getEast(),
             left: bounds.getWest() * RAD, right: bounds.getEast() * RAD,
             bottom: mercator(bounds.getSouth()), top: mercator(bounds.getNorth()),
             x: centre.lng * RAD, y: mercator(centre.lat) };
  }

  /* The reports and places drawn in view: how many of each, and the HERE_LIMIT nearest
     the map's middle on the screen, nearest first ({kind, i, d}). */
  function inView(f) {
    var nearest = [], counts = { report: 0, place: 0 };
    function consider(kind, i, la, lo) {
      if (la < f.south || la > f.north || lo < f.west || lo > f.east) { return; }
      counts[kind]++;
      var dx = lo * RAD - f.x, dy = mercator(la) - f.y, d = dx * dx + dy * dy;
      if (nearest.length === HERE_LIMIT && d >= nearest[HERE_LIMIT - 1].d) { return; }
      var at = nearest.length === HERE_LIMIT ? HERE_LIMIT - 1 : nearest.length;
      while (at > 0 && nearest[at - 1].d > d) { nearest[at] = nearest[at - 1]; at--; }
      nearest[at] = { kind: kind, i: i, d: d };
    }
    if (onMap("reports")) {
      var data = layers.reports._data;
      for (var i = 0; i < data.n; i++) {
        if (data.shown[i]) { consider("report", i, data.lat[i], data.lon[i]); }
      }
    }
    if (onMap("assets")) {
      var group = layers.assets, cols = group.hsColumns;
      var shown = group.hsCategories.map(function (c) { return group.hsCategoryShown(c.key); });
      for (var j = 0; j < cols.lat.length; j++) {
        if (shown[cols.cat[j]]) { consider("place", j, cols.lat[j], cols.lon[j]); }
      }
    }
    return { counts: counts, nearest: nearest };
  }

  /* The point of the segment a-b (Web Mercator) inside the view nearest its middle, as
     [squared distance, x, y]; null if the segment misses the view (Liang-Barsky). */
  function nearestInView(f, ax, ay, bx, by) {
    var t0 = 0, t1 = 1, dx = bx - ax, dy = by - ay;
    var p = [-dx, dx, -dy, dy], q = [ax - f.left, f.right - ax, ay - f.bottom, f.top - ay];
    for (var k = 0; k < 4; k++) {
      if (p[k] === 0) {
        if (q[k] < 0) { return null; }
        continue;
      }
      var r = q[k] / p[k];
      if (p[k] < 0) {
        if (r > t1) { return null; }
        t0 = Math.max(t0, r);
      } else {
        if (r < t0) { return null; }
        t1 = Math.min(t1, r);
      }
    }
    var length = dx * dx + dy * dy;
    var t = length > 0 ? ((f.x - ax) * dx + (f.y - ay) * dy) / length : t0;
    t = Math.max(t0, Math.min(t1, t));
    var x = ax + t * dx, y = ay + t * dy, ex = x - f.x, ey = y - f.y;
    return [ex * ex + ey * ey, x, y];
  }

  /* A line layer's lines in view, each measured by its point in view nearest the map's
     middle: how many, and the section's few nearest, nearest first ({kind, line, d, x,
     y}). A street's segments count once, by the name its popup gives (an unnamed one's
     says its type: "Unnamed footway"), at its nearest segment. */
  function linesInView(f, section) {
    var best = {}, keys = [];
    layers[section.key].eachLayer(function (line) {
      if (!line.getLatLngs || !f.bounds.intersects(line.getBounds())) { return; }
      var parts = line.getLatLngs(), found = null;
      if (L.LineUtil.isFlat(parts)) { parts = [parts]; }
      parts.forEach(function (part) {
        var ax = 0, ay = 0;
        for (var k = 0; k < part.length; k++) {
          var bx = part[k].lng * RAD, by = mercator(part[k].lat);
          var n = k > 0 ? nearestInView(f, ax, ay, bx, by) : null;
          if (n && (!found || n[0] < found[0])) { found = n; }
          ax = bx;
          ay = by;
        }
      });
      if (!found) { return; }
      var key = section.key === "streets" ? "street:" + line.feature.properties.street
        : "line:" + L.stamp(line);
      if (!best[key]) { keys.push(key); }
      if (!best[key] || found[0] < best[key].d) {
        best[key] = { kind: section.key, line: line, d: found[0], x: found[1], y: found[2] };
      }
    });
    var all = keys.map(function (k) { return best[k]; });
    all.sort(function (a, b) { return a.d - b.d; });
    return { count: all.length, nearest: all.slice(0, section.limit) };
  }

  /* Whether the map's middle lies in this zone (null while the zone is not drawn). */
  function middleInZone(f) {
    if (!onMap("zone")) { return null; }
    var inside = false, lat = f.centre.lat, lng = f.centre.lng;
    function rings(latlngs) {
      if (L.LineUtil.isFlat(latlngs)) {
        for (var a = 0, b = latlngs.length - 1; a < latlngs.length; b = a++) {
          var p = latlngs[a], q = latlngs[b];
          if ((p.lat > lat) !== (q.lat > lat) &&
              lng < (q.lng - p.lng) * (lat - p.lat) / (q.lat - p.lat) + p.lng) {
            inside = !inside;
          }
        }
      } else {
        latlngs.forEach(rings);
      }
    }
    layers.zone.eachLayer(function (shape) {
      if (shape.getLatLngs) { rings(shape.getLatLngs()); }
    });
    return inside;
  }

  function symbolBox() {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    return svg;
  }

  /* A short stroke drawn as the line is on the map. */
  function lineSymbol(style) {
    var svg = symbolBox(), stroke = document.createElementNS(SVG_NS, "path");
    stroke.setAttribute("d", "M3 15L17 5");
    stroke.setAttribute("fill", "none");
    stroke.setAttribute("stroke", style.color);
    stroke.setAttribute("stroke-width", String(Math.min(style.weight || 3, 8)));
    stroke.setAttribute("stroke-linecap", style.lineCap || "round");
    if (style.opacity !== undefined) { stroke.setAttribute("stroke-opacity", String(style.opacity)); }
    if (style.dashArray) { stroke.setAttribute("stroke-dasharray", style.dashArray); }
    svg.appendChild(stroke);
    return svg;
  }

  /* What an entry names: its symbol as drawn on the map, its name, and what it is. */
  function hereEntry(item) {
    if (item.kind === "report") {
      var data = layers.reports._data, raw = data.raw, i = item.i;
      var cat = raw.categories[raw.cat[i]], seen = raw.look[raw.status[i] === 0 ? "open" : "faded"];
      var symbol = symbolBox(), shape = document.createElementNS(SVG_NS, "path");
      shape.setAttribute("d", shapePath(cat.shape || [], 10, 10, 7));
      shape.setAttribute("fill", cat.colour);
      shape.setAttribute("fill-opacity", String(seen.fill_opacity));
      shape.setAttribute("stroke", seen.stroke);
      shape.setAttribute("stroke-width", "1.5");
      symbol.appendChild(shape);
      return { symbol: symbol, name: data.titleOf(i),
               about: ["Report", cat.label, data.dateText(i), raw.statusLabels[raw.status[i]]] };
    }
    if (item.kind === "place") {
      var cols = layers.assets.hsColumns, kind = layers.assets.hsCategories[cols.cat[item.i]];
      return { symbol: pictogram(kind.colour, kind.symbol, 20, false),
               name: cols.name[item.i] || kind.label,
               about: ["Place", cols.name[item.i] ? kind.label : ""] };
    }
    var props = item.line.feature.properties, drawnAs = lineSymbol(item.line.options);
    if (item.kind === "streets") {
      return { symbol: drawnAs, name: props.street, about: ["Street", props.limit] };
    }
    if (item.kind === "gaps") {
      return { symbol: drawnAs, name: props.street || "Unnamed street",
               about: ["20mph gap to check", props.kind] };
    }
    return { symbol: drawnAs, name: props.name || "Unnamed zone", about: ["Another 20mph zone"] };
  }

  function hereButton(item) {
    var entry = hereEntry(item);
    var button = el("button", "hs-here-item");
    button.type = "button";
    button.setAttribute("data-hs-" + item.kind,
                        String(item.line ? L.stamp(item.line) : item.i));
    button.appendChild(entry.symbol);
    var text = el("span", "hs-here-text");
    text.appendChild(el("span", "hs-here-name", shorten(entry.name, 60)));
    text.appendChild(el("span", "hs-here-about", entry.about.filter(Boolean).join(", ")));
    button.appendChild(text);
    button.addEventListener("click", function () { openFromList(item); });
    return button;
  }

  /* The popup a click on an entry's thing opens: a line's at its point nearest the map's
     middle. Another zone's outline shows its name on hover (and opens nothing on a
     click): from the list, a popup names it. */
  function openEntry(item) {
    if (item.kind === "report") { return layers.reports.open(item.i); }
    if (item.kind === "place") { return layers.assets.hsOpen(item.i); }
    var at = fromMercator(item.x, item.y), line = item.line;
    if (item.kind === "other_zones" || !line.getPopup()) {
      return L.popup().setLatLng(at).setContent(popupBox([
        ["20mph zone", line.feature.properties.name || "Unnamed zone"],
        ["On the map", "Another 20mph zone's outline"]
      ])).openOn(map);
    }
    line.openPopup(at);
    return line.getPopup();
  }

  /* Open an entry's popup and give it the keyboard: it is named by its title, for a
     screen reader. */
  function openFromList(item) {
    var popup = openEntry(item);
    here.popup = popup;
    var node = popup.getElement();
    var content = node && node.querySelector(".leaflet-popup-content");
    if (!content) { return; }
    var title = content.querySelector(".hs-popup-title");
    node.setAttribute("role", "dialog");
    node.setAttribute("aria-label", title ? title.textContent : "Details");
    content.setAttribute("tabindex", "-1");
    /* too little room beside the list (a phone): the list folds while the popup is open */
    if (overlap(node.getBoundingClientRect(), here.box.getBoundingClientRect()) > 0) {
      here.show(false);
      here.folded = true;
      keepPopupClear(popup);
    }
    content.focus({ preventScroll: true });
  }

  /* Whether the keyboard is in the list, or a popup the list opened is open. */
  function hereBusy() {
    return !!here && (here.list.contains(document.activeElement) ||
                      (!!here.popup && map.hasLayer(here.popup)));
  }

  /* What the list says before its entries: how many of each thing are in view, how many
     are listed, and whether the map's middle is in this zone. */
  function hereSummary(found, lines, inZone) {
    var counts = found.counts, total = counts.report + counts.place;
    var said = [], nouns = [], text = "";
    if (onMap("reports")) {
      said.push(plural(counts.report, "report", "reports"));
      nouns.push("report");
    }
    if (onMap("assets")) {
      said.push(plural(counts.place, "place", "places"));
      nouns.push("place");
    }
    if (!nouns.length && !lines.length) {
      text = "Nothing to list: the legend turns the reports (as points), the places and " +
        "the streets on.";
    } else if (nouns.length && !total) {
      text = "No " + nouns.join(" or ") + " is in view.";
    } else if (nouns.length) {
      text = "In view: " + andList(said) + "." + (total > found.nearest.length
        ? " The " + found.nearest.length + " nearest the middle of the map are listed." : "");
    }
    if (lines.length) {
      var parts = lines.map(function (s) {
        var n = s.found.count, shown = s.found.nearest.length;
        return (n ? plural(n, s.section.one, s.section.many) : "no " + s.section.one) +
          (n > shown ? " (the " + shown + " nearest the middle listed)" : "");
      });
      text += (text ? " " : "") + (nouns.length ? "Also in view: " : "In view: ") +
        andList(parts) + ".";
    }
    if (inZone !== null) {
      text += " The middle of the map is " + (inZone ? "in" : "outside") + " this zone.";
    }
    if (!total && !lines.some(function (s) { return s.found.count; })) {
      text += " Move the map, or zoom out (-).";
    }
    if (layers.reports && nouns[0] !== "report") {
      text += " Reports are listed when the legend shows them as points.";
    }
    return text.trim();
  }

  function refreshHere(force) {
    if (!here || (here.body.hidden && !here.folded)) { return; }
    if (hereBusy() && !force) { here.stale = true; return; }
    here.stale = false;
    var f = viewFrame(), found = inView(f);
    var lines = LINE_SECTIONS.filter(function (s) { return onMap(s.key); })
      .map(function (s) { return { section: s, found: linesInView(f, s) }; });
    here.summary.textContent = hereSummary(found, lines, middleInZone(f));
    var more = found.counts.report + found.counts.place > found.nearest.length;
    here.list.textContent = "";
    function section(key, heading, items) {
      if (!items.length) { return; }
      var title = el("h2", "hs-here-heading", heading);
      title.id = "hs-here-" + key;
      var list = el("ul", "hs-here-items");
      list.setAttribute("aria-labelledby", title.id);
      items.forEach(function (item) {
        var row = el("li");
        row.appendChild(hereButton(item));
        list.appendChild(row);
      });
      here.list.appendChild(title);
      here.list.appendChild(list);
    }
    var kinds = [];
    if (found.nearest.some(function (e) { return e.kind === "report"; })) { kinds.push("Reports"); }
    if (found.nearest.some(function (e) { return e.kind === "place"; })) { kinds.push("places"); }
    var heading = kinds.join(" and ");
    section("points", heading.charAt(0).toUpperCase() + heading.slice(1), found.nearest);
    lines.forEach(function (s) {
      more = more || s.found.count > s.found.nearest.length;
      section(s.section.key, s.section.heading, s.found.nearest);
    });
    here.more.hidden = !more;
    fitHereList();
  }

  /* The list scrolls within the map's height, whatever the screen. */
  function fitHereList() {
    if (!here || here.body.hidden) { return; }
    var bottom = map.getContainer().getBoundingClientRect().bottom;
    var below = here.more.hidden ? 0 : here.more.offsetHeight + 4;
    var room = bottom - here.list.getBoundingClientRect().top - below - 2 * POPUP_MARGIN - 16;
    here.list.style.maxHeight = Math.max(96, Math.floor(room)) + "px";
  }

  function addHereList() {
    var listed = ["reports", "assets"].concat(LINE_SECTIONS.map(function (s) { return s.key; }));
    if (!listed.some(function (key) { return layers[key]; })) { return; }
    var Control = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = el("div", "hs-here hs-panel-control");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var toggle = el("button", "hs-button hs-secondary", "List what is here");
        toggle.type = "button";
        toggle.setAttribute("aria-expanded", "false");
        toggle.setAttribute("aria-controls", "hs-here-body");
        var body = el("div", "hs-here-body");
        body.id = "hs-here-body";
        body.hidden = true;
        var summary = el("p", "hs-here-summary");
        summary.setAttribute("role", "status");
        var list = el("div", "hs-here-list");  // a section (heading and list) per kind
        var more = el("p", "hs-note", "To list others, move them to the middle of the map " +
                      "(arrow keys on the map) or zoom in (+).");
        [summary, list, more].forEach(function (n) { body.appendChild(n); });
        box.appendChild(toggle);
        box.appendChild(body);
        function show(open) {
          body.hidden = !open;
          toggle.setAttribute("aria-expanded", open ? "true" : "false");
          toggle.textContent = open ? "Hide the list" : "List what is here";
        }
        here = { box: box, toggle: toggle, body: body, summary: summary, list: list,
                 more: more, popup: null, stale: false, folded: false, show: show };
        toggle.addEventListener("click", function () {
          here.folded = false;
          show(body.hidden);
          refreshHere(true);
        });
        /* the keyboard has left the list (or the popup it opened has closed): catch up */
        function later() {
          setTimeout(function () { if (here.stale) { refreshHere(false); } }, 0);
        }
        list.addEventListener("focusout", later);
        map.on("popupclose", function (e) {
          if (e.popup !== here.popup) { return; }
          here.popup = null;
          if (here.folded) { here.folded = false; show(true); }
          later();
        });
        map.on("moveend", function () { refreshHere(false); });
        map.on("resize", fitHereList);
        return box;
      }
    });
    new Control().addTo(map);
  }

  function register(key, layer, onMap) {
    layers[key] = layer;
    map = onMap;
  }

  /* ---- The legend is the control ---- */

  function isRegistered(layer) {
    for (var key in layers) {
      if (layers.hasOwnProperty(key) && layers[key] === layer) { return true; }
    }
    return false;
  }

  function onMap(key) {
    return !!(map && layers[key] && map.hasLayer(layers[key]));
  }

  /* Whether the thing a layer's box names is on the map: the tiles only once one has
     loaded (there are none with no internet). */
  var tilesLoaded = false;
  function drawn(key) {
    return onMap(key) && (key !== "tiles" || tilesLoaded);
  }

  /* Whether a legend row's thing is drawn now. */
  function rowDrawn(row) {
    var own = row.querySelector("input[data-hs-layer]");
    var data = layers.reports ? layers.reports._data : null;
    if (own) {
      var key = own.getAttribute("data-hs-layer");
      if (row.hasAttribute("data-hs-additions-row")) {
        return onMap(key) && layers.additions.getLayers().length > 0;
      }
      if (key === "reports" || key === "reports_heat") {  // drawn only with a report to draw
        return drawn(key) && !!data && data.count > 0;
      }
      return drawn(key);
    }
    var report = row.getAttribute("data-hs-report-row");
    if (report !== null) {
      var k = data ? data.keys.indexOf(report) : -1;
      return k >= 0 && data.filter.categories[k] && data.perCategory[k] > 0 &&
        (onMap("reports") || onMap("reports_heat"));
    }
    var asset = row.getAttribute("data-hs-asset-row");
    if (asset !== null) {
      return onMap("assets") && layers.assets.hsCategoryShown(asset);
    }
    var section = row.closest("[data-hs-section-layer]");
    return section ? onMap(section.getAttribute("data-hs-section-layer")) : true;
  }

  function refreshLegend() {
    if (!map) { return; }
    each("input[data-hs-layer]", function (input) {
      input.checked = onMap(input.getAttribute("data-hs-layer"));
    });
    each("input[data-hs-asset-cat]", function (input) {
      input.checked = !!layers.assets && layers.assets.hsCategoryShown(
        input.getAttribute("data-hs-asset-cat"));
    });
    each("[data-hs-row]", function (row) {
      var drawn = rowDrawn(row);
      row.setAttribute("data-drawn", drawn ? "1" : "0");
      row.classList.toggle("hs-off", !drawn);
    });
    each("[data-hs-additions-row]", function (row) {
      row.closest("section").hidden = !layers.additions ||
        layers.additions.getLayers().length === 0;
    });
    each(".hs-section", function (section) {
      var drawn = section.querySelector('[data-hs-row][data-drawn="1"]') !== null;
      section.setAttribute("data-drawn", drawn ? "1" : "0");
    });
    refreshHere(false);  // what is drawn has changed: so may what the list shows
  }

  function bindLegend() {
    each("input[data-hs-layer]", function (input) {
      var key = input.getAttribute("data-hs-layer");
      if (!layers[key]) { input.disabled = true; return; }
      input.addEventListener("change", function () {
        if (input.checked) { map.addLayer(layers[key]); } else { map.removeLayer(layers[key]); }
        refreshLegend();
      });
    });
    function showAssets() {
      if (layers.assets && !map.hasLayer(layers.assets)) { map.addLayer(layers.assets); }
    }
    each("input[data-hs-asset-cat]", function (input) {
      input.addEventListener("change", function () {
        if (!layers.assets) { return; }
        layers.assets.hsShowCategory(input.getAttribute("data-hs-asset-cat"), input.checked);
        if (input.checked) { showAssets(); }
        refreshLegend();
      });
    });
    each("button[data-hs-only-asset]", function (button) {
      button.addEventListener("click", function () {
        var group = layers.assets;
        if (!group) { return; }
        var only = button.getAttribute("data-hs-only-asset");
        group.hsCategories.forEach(function (c) { group.hsShowCategory(c.key, c.key === only); });
        showAssets();
        refreshLegend();
      });
    });
    map.on("layeradd layerremove", function (e) {
      if (isRegistered(e.layer)) { refreshLegend(); }
    });
    if (layers.tiles) {
      layers.tiles.on("tileload", function () {
        if (!tilesLoaded) { tilesLoaded = true; refreshLegend(); }
      });
    }
    refreshLegend();
  }

  /* The title and legend beside the map (a bottom sheet on a phone), folded by its button. */
  function bindSide() {
    var side = document.getElementById("hs-side");
    if (!side) { return; }
    var button = side.querySelector(".hs-side-toggle");
    var narrow = window.matchMedia("(max-width: 760px)");
    function set(open) {
      side.setAttribute("data-open", open ? "true" : "false");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = open ? "Hide the legend" : "Legend";
    }
    set(!narrow.matches);
    foldSheet = function () {
      if (narrow.matches && side.getAttribute("data-open") === "true") {
        set(false);
        map.invalidateSize({ animate: false });
      }
    };
    button.addEventListener("click", function () {
      set(side.getAttribute("data-open") !== "true");
    });
    if (narrow.addEventListener) {
      narrow.addEventListener("change", function (e) { set(!e.matches); });
    }
    if (window.ResizeObserver) {
      new ResizeObserver(function () { map.invalidateSize({ animate: false }); })
        .observe(map.getContainer());
    }
  }

  /* ---- Print: the zone fitted to the page's map box, the legend beside it ---- */

  var printing = null, zoneBounds = null;
  function preparePrint() {
    var root = document.documentElement;
    if (!printing) {
      printing = { center: map.getCenter(), zoom: map.getZoom(),
                   open: (document.getElementById("hs-side") || root).getAttribute("data-open") };
    }
    root.classList.add("hs-print");
    var side = document.getElementById("hs-side");
    if (side) { side.setAttribute("data-open", "true"); }
    var legend = document.querySelector(".hs-side-body");
    root.classList.remove("hs-print-dense");
    if (legend && legend.scrollHeight > legend.clientHeight + 1) {
      root.classList.add("hs-print-dense");
    }
    map.invalidateSize({ animate: false, pan: false });
    if (zoneBounds) {
      var snap = map.options.zoomSnap;
      map.options.zoomSnap = 0;
      map.fitBounds(zoneBounds, { padding: [14, 14], animate: false });
      map.options.zoomSnap = snap;
    }
    if (layers.reports && map.hasLayer(layers.reports)) { layers.reports.printCopy(); }
    return new Promise(function (done) {
      requestAnimationFrame(function () { requestAnimationFrame(function () { done(true); }); });
    });
  }
  /* Chromium may paint the printed pages after "afterprint": restore the screen's view
     once it has. */
  function afterPrint() {
    setTimeout(restoreScreen, 0);
  }
  function restoreScreen() {
    if (!printing) { return; }
    if (layers.reports) { layers.reports.clearPrintCopy(); }
    var root = document.documentElement;
    root.classList.remove("hs-print", "hs-print-dense");
    var side = document.getElementById("hs-side");
    if (side && printing.open) { side.setAttribute("data-open", printing.open); }
    map.invalidateSize({ animate: false, pan: false });
    map.setView(printing.center, printing.zoom, { animate: false });
    printing = null;
  }

  /* ---- Popups clear of the map's own controls ----
     Leaflet pans an opening popup inside the map's edges, but the zoom buttons and the
     "Add a place" panel lie on the map: on a phone the form for a new place would open
     under them. The map is panned instead so that the popup lies inside the map and off
     every control, or as little on them as the room allows. */
  var POPUP_MARGIN = 6;
  function overlap(a, b) {
    var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0 && h > 0 ? w * h : 0;
  }
  function keepPopupClear(popup) {
    var node = popup.getElement && popup.getElement();
    if (!node || !map) { return; }
    var frame = map.getContainer().getBoundingClientRect();
    var W = frame.width, H = frame.height, m = POPUP_MARGIN;
    function local(r) {
      return { left: r.left - frame.left, top: r.top - frame.top,
               right: r.right - frame.left, bottom: r.bottom - frame.top };
    }
    /* a popup taller than the map (a phone held across) scrolls inside instead */
    var content = node.querySelector(".leaflet-popup-content");
    var excess = node.getBoundingClientRect().height - (H - 2 * m);
    if (content && excess > 0) {
      popup.options.maxHeight = Math.max(60, content.offsetHeight - excess);
      popup.update();
    }
    var own = local(node.getBoundingClientRect());
    var w = own.right - own.left, h = own.bottom - own.top;
    var controls = [];
    each(".leaflet-control-container .leaflet-control", function (control) {
      var r = control.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) { controls.push(local(r)); }
    }, map.getContainer());
    function within(v, size, limit) {  // inside the map's edges; its top or left first
      return Math.max(m, Math.min(v, limit - m - size));
    }
    var xs = [within(own.left, w, W)], ys = [within(own.top, h, H)];
    controls.forEach(function (c) {
      xs.push(within(c.right + m, w, W), within(c.left - m - w, w, W));
      ys.push(within(c.bottom + m, h, H), within(c.top - m - h, h, H));
    });
    var best = null;
    xs.forEach(function (x) {
      ys.forEach(function (y) {
        var at = { left: x, top: y, right: x + w, bottom: y + h }, covered = 0;
        controls.forEach(function (c) { covered += overlap(at, c); });
        var moved = Math.abs(x - own.left) + Math.abs(y - own.top);
        if (!best || covered < best.covered ||
            (covered === best.covered && moved < best.moved)) {
          best = { x: x, y: y, covered: covered, moved: moved };
        }
      });
    });
    if (best && best.moved >= 1) {
      map.panBy([own.left - best.x, own.top - best.y], { animate: false });
    }
  }

  /* Escape closes the open popup while the keyboard is on the map (a place's marker, the
     popup's own buttons, the list of what is here), and the keyboard goes back to what
     opened it; so it does when the popup's close button closes it. */
  function bindPopupKeys() {
    var opener = null;
    map.on("popupopen", function (e) {
      var active = document.activeElement;
      opener = active && active !== document.body && map.getContainer().contains(active) &&
        !e.popup.getElement().contains(active) ? active : null;
    });
    map.on("popupclose", function (e) {
      var node = e.popup.getElement(), active = document.activeElement;
      var lost = !active || active === document.body || (!!node && node.contains(active));
      if (lost && opener && document.contains(opener)) { opener.focus(); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape" || state.picking) { return; }
      var open = null;
      map.eachLayer(function (layer) { if (layer instanceof L.Popup) { open = layer; } });
      var active = document.activeElement;
      if (!open || !active || !map.getContainer().contains(active)) { return; }
      ev.preventDefault();
      var back = opener && document.contains(opener) ? opener : map.getContainer();
      map.closePopup(open);
      back.focus();
    });
  }

  function ready(onMap, opts) {
    map = onMap;
    opts = opts || {};
    zoneBounds = opts.zone ? L.latLngBounds(opts.zone) : null;
    L.Popup.mergeOptions({ autoPan: false });
    map.on("popupopen", function (e) { keepPopupClear(e.popup); });
    addHereList();  // (unfolds the list as a popup closes, before the keyboard goes back)
    bindPopupKeys();
    var container = map.getContainer();
    container.setAttribute("role", "main");
    container.setAttribute("aria-label", "Map: arrow keys move it, + and - zoom" +
      (here ? "; \u201cList what is here\u201d lists what is in view" : ""));
    // the controls come before the map's markers when tabbing
    if (map._controlContainer) { container.insertBefore(map._controlContainer, container.firstChild); }
    bindLegend();
    bindSide();
    /* The map was made before the title and legend were laid out (a phone folds them
       into a sheet just now): show the whole zone in the room the map has. */
    if (zoneBounds) {
      map.invalidateSize({ animate: false, pan: false });
      map.fitBounds(zoneBounds, { animate: false });
    }
    window.addEventListener("beforeprint", preparePrint);
    window.addEventListener("afterprint", afterPrint);
    document.body.setAttribute("data-map-ready", "1");
    if (window.performance && performance.mark) { performance.mark("hs-ready"); }
  }

  return {
    el: el, shorten: shorten, popupBox: popupBox, geoJsonLayer: geoJsonLayer,
    assetLayer: assetLayer, reportData: reportData, reportPoints: reportPoints,
    reportHeat: reportHeat, reportFilter: reportFilter, addPlaces: addPlaces,
    register: register, ready: ready, layers: layers, refreshLegend: refreshLegend,
    preparePrint: preparePrint, afterPrint: restoreScreen,
    picking: function () { return state.picking; },
    map: function () { return map; }
  };
})();
