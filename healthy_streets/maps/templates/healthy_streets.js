/* healthy_streets map helpers. Data texts are only ever shown through textContent. */
var HS = (function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function shorten(text, limit) {
    var s = String(text);
    return s.length > limit ? s.slice(0, limit - 1).replace(/\s+\S*$/, "") + "\u2026" : s;
  }

  /* rows: [[label, value], ...]; the first row is the title. */
  function popupBox(rows) {
    var box = el("div", "hs-popup");
    var shown = rows.filter(function (r) { return r[1] !== null && r[1] !== undefined && r[1] !== ""; });
    if (!shown.length) { return box; }
    box.appendChild(el("div", "hs-popup-title", shown[0][1]));
    var list = el("dl");
    shown.slice(1).forEach(function (r) {
      list.appendChild(el("dt", null, r[0]));
      list.appendChild(el("dd", null, shorten(r[1], 280)));
    });
    box.appendChild(list);
    return box;
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

  function pointLayer(cols, opts) {
    var clustered = opts.cluster && typeof L.markerClusterGroup === "function";
    var group = clustered
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40,
                               disableClusteringAtZoom: 18 })
      : L.featureGroup();
    var n = cols.lat.length;
    function popupFor(layer) {
      var i = layer.hsIndex;
      var cat = opts.categories[cols.cat[i]];
      return popupBox(opts.popup.map(function (p) {
        return [p[0], p[1] === "cat" ? cat.label : cols[p[1]][i]];
      }));
    }
    for (var i = 0; i < n; i++) {
      var cat = opts.categories[cols.cat[i]];
      var marker = L.circleMarker([cols.lat[i], cols.lon[i]], {
        radius: opts.radius, color: "#ffffff", weight: 2, opacity: 1,
        fillColor: cat.colour, fillOpacity: 0.92
      });
      marker.hsIndex = i;
      marker.hsCategory = cat.key;
      marker.bindPopup(popupFor);
      group.addLayer(marker);
    }
    return group;
  }

  /* Layers by key, so that controls on the page (and tests) can find them. */
  var layers = {};
  var map = null;
  function register(key, layer, onMap) {
    layers[key] = layer;
    map = onMap;
  }

  return { el: el, shorten: shorten, popupBox: popupBox, geoJsonLayer: geoJsonLayer,
           pointLayer: pointLayer, register: register, layers: layers,
           map: function () { return map; } };
})();
