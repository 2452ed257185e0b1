/* healthy_streets meeting-map helpers.
 *
 * Every text that comes from a data file is shown through textContent (never innerHTML),
 * so a report whose title is markup shows the markup's characters. Icons are SVG path
 * data written by the toolkit, not by data files. */
var HS = (function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
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
    return L.geoJSON(data, {
      interactive: opts.interactive,
      style: function (feature) {
        var key = opts.styleProperty ? feature.properties[opts.styleProperty] : "*";
        return styleFor(opts.styles, key);
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
        }
      }
    });
  }

  /* Assets: a pictogram marker each; clustered when there are many. */
  function assetLayer(cols, opts) {
    var clustered = opts.cluster && typeof L.markerClusterGroup === "function";
    var group = clustered
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 35,
                               disableClusteringAtZoom: 18, chunkedLoading: true })
      : L.featureGroup();
    var icons = opts.categories.map(function (c) { return iconFor(c, opts.size, false); });
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
    }
    if (clustered) { group.addLayers(markers); } else { markers.forEach(function (m) { group.addLayer(m); }); }
    group.hsColumns = cols;
    group.hsCategories = opts.categories;
    return group;
  }

  /* ---- Reports: compact columns, filtered in the browser, drawn as heat and points ---- */

  function reportData(raw) {
    var n = raw.lat.length;
    var lat = new Float64Array(n), lon = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      lat[i] = raw.origin[0] + raw.lat[i] / raw.scale;
      lon[i] = raw.origin[1] + raw.lon[i] / raw.scale;
    }
    var data = {
      raw: raw, n: n, lat: lat, lon: lon,
      day0: Date.parse(raw.day0 + "T00:00:00Z") / 86400000,
      shown: new Uint8Array(n),
      listeners: [],
      filter: {
        categories: raw.categories.map(function () { return true; }),
        statuses: raw.statuses.map(function () { return true; }),
        from: raw.dayMin, to: raw.dayMax
      }
    };
    data.dateOf = function (i) {
      return new Date((data.day0 + raw.day[i]) * 86400000);
    };
    data.apply = function () {
      var f = data.filter, shown = data.shown, count = 0;
      var perCategory = raw.categories.map(function () { return 0; });
      for (var i = 0; i < n; i++) {
        var ok = f.categories[raw.cat[i]] && f.statuses[raw.status[i]] &&
                 raw.day[i] >= f.from && raw.day[i] <= f.to;
        shown[i] = ok ? 1 : 0;
        if (ok) { count++; perCategory[raw.cat[i]]++; }
      }
      data.count = count;
      data.perCategory = perCategory;
      data.listeners.forEach(function (fn) { fn(data); });
    };
    data.onChange = function (fn) { data.listeners.push(fn); };
    data.popupFor = function (i) {
      var cat = raw.categories[raw.cat[i]];
      var date = data.dateOf(i).toLocaleDateString("en-GB", {
        day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
      return popupBox([
        ["Report", raw.titles[raw.title[i]] || cat.label],
        ["Category", cat.label],
        ["Date", date],
        ["Status", raw.statusLabels[raw.status[i]]],
        ["Street", raw.street[i] >= 0 ? raw.streets[raw.street[i]] : null],
        ["Details", raw.detail[i] >= 0 ? raw.details[raw.detail[i]] : null]
      ]);
    };
    data.apply();
    return data;
  }

  /* Points drawn on one canvas: fast with 100,000 reports; a click finds the nearest. */
  var CanvasPoints = L.Layer.extend({
    initialize: function (data, options) {
      this._data = data;
      L.setOptions(this, options);
    },
    onAdd: function (map) {
      this._map = map;
      var canvas = this._canvas = L.DomUtil.create("canvas", "hs-points leaflet-zoom-animated");
      map.getPanes().overlayPane.appendChild(canvas);
      map.on("moveend zoomend resize viewreset", this._reset, this);
      map.on("zoomanim", this._animateZoom, this);
      map.on("click", this._click, this);
      this._data.onChange(L.bind(this._redraw, this));
      this._reset();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend zoomend resize viewreset", this._reset, this);
      map.off("zoomanim", this._animateZoom, this);
      map.off("click", this._click, this);
    },
    _reset: function () {
      var map = this._map, size = map.getSize();
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(this._canvas, topLeft);
      this._canvas.width = size.x;
      this._canvas.height = size.y;
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
      var map = this._map, size = map.getSize(), r = this.options.radius;
      ctx.clearRect(0, 0, size.x, size.y);
      var bounds = map.getBounds().pad(0.05);
      var south = bounds.getSouth(), north = bounds.getNorth();
      var west = bounds.getWest(), east = bounds.getEast();
      var colours = raw.categories.map(function (c) { return c.colour; });
      ctx.lineWidth = 1.5;
      for (var i = 0; i < data.n; i++) {
        if (!data.shown[i]) { continue; }
        var la = data.lat[i], lo = data.lon[i];
        if (la < south || la > north || lo < west || lo > east) { continue; }
        var p = map.latLngToContainerPoint([la, lo]);
        ctx.beginPath();
        ctx.arc(p.x, p.y, r, 0, 6.2832);
        ctx.globalAlpha = raw.status[i] === 0 ? 0.95 : 0.55;
        ctx.fillStyle = colours[raw.cat[i]];
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.strokeStyle = raw.status[i] === 0 ? "#ffffff" : "#333333";
        ctx.stroke();
      }
    },
    _click: function (e) {
      var data = this._data, map = this._map, best = -1, bestD = Infinity;
      var p = e.containerPoint, r = this.options.radius + 4;
      for (var i = 0; i < data.n; i++) {
        if (!data.shown[i]) { continue; }
        var q = map.latLngToContainerPoint([data.lat[i], data.lon[i]]);
        var d = (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y);
        if (d < bestD) { bestD = d; best = i; }
      }
      if (best >= 0 && bestD <= r * r) {
        L.popup().setLatLng([data.lat[best], data.lon[best]])
          .setContent(data.popupFor(best)).openOn(map);
      }
    },
    shownCount: function () { return this._data.count; }
  });

  function reportPoints(data, opts) { return new CanvasPoints(data, opts); }

  function reportHeat(data, opts) {
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

  /* The report filter: a toggle per category, the status, and a date range. */
  function reportFilter(data, opts) {
    var raw = data.raw;
    var Control = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = el("details", "hs-filter hs-panel-control");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var head = el("summary", "hs-filter-head");
        head.appendChild(el("strong", null, "Filter reports"));
        head.appendChild(el("span", null, " \u2014 shown: "));
        var shown = el("span", "hs-filter-count");
        head.appendChild(shown);
        box.appendChild(head);
        var form = el("form");
        form.setAttribute("aria-label", "Filter the reports");
        box.appendChild(form);
        var cats = el("fieldset");
        cats.appendChild(el("legend", null, "Category"));
        var counts = [];
        raw.categories.forEach(function (c, k) {
          var label = el("label", "hs-check");
          var input = el("input");
          input.type = "checkbox";
          input.checked = true;
          input.name = "category";
          input.value = c.key;
          input.addEventListener("change", function () {
            data.filter.categories[k] = input.checked;
            data.apply();
          });
          var swatch = el("span", "hs-swatch");
          swatch.style.background = c.colour;
          label.appendChild(input);
          label.appendChild(swatch);
          label.appendChild(el("span", null, c.label));
          var count = el("span", "hs-count");
          counts.push(count);
          label.appendChild(count);
          cats.appendChild(label);
        });
        form.appendChild(cats);

        var statuses = el("fieldset");
        statuses.appendChild(el("legend", null, "Status"));
        raw.statuses.forEach(function (s, k) {
          var label = el("label", "hs-check");
          var input = el("input");
          input.type = "checkbox";
          input.checked = true;
          input.name = "status";
          input.value = s;
          input.addEventListener("change", function () {
            data.filter.statuses[k] = input.checked;
            data.apply();
          });
          label.appendChild(input);
          label.appendChild(el("span", null, raw.statusLabels[k]));
          statuses.appendChild(label);
        });
        form.appendChild(statuses);

        var dates = el("fieldset", "hs-dates");
        dates.appendChild(el("legend", null, "Reported between"));
        function dayInput(name, value) {
          var input = el("input");
          input.type = "date";
          input.name = name;
          input.min = isoDay(raw.dayMin);
          input.max = isoDay(raw.dayMax);
          input.value = isoDay(value);
          input.addEventListener("change", function () {
            var day = Date.parse(input.value + "T00:00:00Z") / 86400000 - data.day0;
            if (isNaN(day)) { return; }
            if (name === "from") { data.filter.from = day; } else { data.filter.to = day; }
            data.apply();
          });
          return input;
        }
        function isoDay(day) {
          return new Date((data.day0 + day) * 86400000).toISOString().slice(0, 10);
        }
        dates.appendChild(dayInput("from", raw.dayMin));
        dates.appendChild(el("span", null, " and "));
        dates.appendChild(dayInput("to", raw.dayMax));
        form.appendChild(dates);

        function update() {
          shown.textContent = data.count + " of " + data.n;
          counts.forEach(function (node, k) { node.textContent = String(data.perCategory[k]); });
        }
        data.onChange(update);
        update();
        return box;
      }
    });
    return new Control(opts);
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
    function save() {
      try { window.localStorage.setItem(key, JSON.stringify(additions)); } catch (err) { /* private mode */ }
      draw();
    }
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
    }

    var picking = false, downloadButton = null, hint = null;
    function form(latlng) {
      var box = el("form", "hs-add-form");
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
      });
      cancel.addEventListener("click", function () { map.closePopup(); });
      return box;
    }
    function stopPicking() {
      picking = false;
      L.DomUtil.removeClass(map.getContainer(), "hs-picking");
      if (hint) { hint.style.display = "none"; }
    }
    map.on("click", function (e) {
      if (!picking) { return; }
      stopPicking();
      L.popup({ maxWidth: 320, minWidth: 240 }).setLatLng(e.latlng)
        .setContent(form(e.latlng)).openOn(map);
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
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "hs-add hs-panel-control");
        L.DomEvent.disableClickPropagation(box);
        var add = el("button", "hs-button", "Add a place");
        add.type = "button";
        add.addEventListener("click", function () {
          picking = true;
          L.DomUtil.addClass(map.getContainer(), "hs-picking");
          hint.style.display = "block";
        });
        hint = el("div", "hs-hint", "Click the map where the place is.");
        hint.style.display = "none";
        downloadButton = el("button", "hs-button hs-secondary", "Download my additions (0)");
        downloadButton.type = "button";
        downloadButton.addEventListener("click", download);
        box.appendChild(add);
        box.appendChild(hint);
        box.appendChild(downloadButton);
        return box;
      }
    });
    new Control().addTo(map);
    draw();
    return { layer: layer, additions: function () { return additions.slice(); },
             download: download };
  }

  /* Layers and controls by key, so that the page's scripts (and tests) can find them. */
  var layers = {};
  var map = null;
  function register(key, layer, onMap) {
    layers[key] = layer;
    map = onMap;
  }

  function ready(onMap) {
    map = onMap;
    window.addEventListener("beforeprint", function () { onMap.invalidateSize(); });
    document.body.setAttribute("data-map-ready", "1");
    if (window.performance && performance.mark) { performance.mark("hs-ready"); }
  }

  return {
    el: el, shorten: shorten, popupBox: popupBox, geoJsonLayer: geoJsonLayer,
    assetLayer: assetLayer, reportData: reportData, reportPoints: reportPoints,
    reportHeat: reportHeat, reportFilter: reportFilter, addPlaces: addPlaces,
    register: register, ready: ready, layers: layers,
    map: function () { return map; }
  };
})();
