// The dashboard's charts (Apache ECharts, vendored): the data and every label come from the page as JSON
// (json_script "dashboard-data"); each container [data-chart=name] gets its chart. Charts follow their
// container's width (phones included) and the ranking bars open the organization behind them.
(function () {
  "use strict";

  var RED = "#b71c1c";
  var BLUE = "#1565c0";
  var LANG = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";

  function readData() {
    var node = document.getElementById("dashboard-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function narrow(el) {
    return el.clientWidth < 540;
  }

  function empty(el, text) {
    var p = document.createElement("p");
    p.className = "text-muted small mb-0 dash-empty";
    p.textContent = text;
    el.replaceChildren(p);
    el.style.height = "auto";
  }

  var builders = {
    trend: function (data, el) {
      var t = data.trend;
      if (!t.months.length) {
        return null;
      }
      return {
        tooltip: { trigger: "axis" },
        legend: { data: [data.labels.meetings, data.labels.compliance], top: 0 },
        grid: { left: 44, right: 44, top: 36, bottom: 28 },
        xAxis: { type: "category", data: t.months, axisLabel: { hideOverlap: true } },
        yAxis: [
          { type: "value", name: narrow(el) ? "" : data.labels.meetings, minInterval: 1 },
          { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } }
        ],
        series: [
          { name: data.labels.meetings, type: "bar", data: t.meetings, itemStyle: { color: RED }, barMaxWidth: 28 },
          { name: data.labels.compliance, type: "line", yAxisIndex: 1, data: t.rate, connectNulls: true,
            itemStyle: { color: BLUE }, symbolSize: t.months.length > 1 ? 6 : 10 }
        ]
      };
    },

    ranking: function (data, el) {
      var r = data.ranking;
      if (!r.names.length) {
        return null;
      }
      el.style.height = Math.max(160, 28 * r.names.length + 50) + "px";
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
        grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: r.names,
                 axisLabel: { width: narrow(el) ? 110 : 220, overflow: "truncate" } },
        series: [{
          name: data.labels.rate, type: "bar", data: r.rates, barMaxWidth: 18, cursor: "pointer",
          label: { show: true, position: "right", formatter: "{c}%" },
          itemStyle: { color: function (p) { return p.value < 60 ? "#dc3545" : (p.value < 90 ? "#e65100" : "#198754"); } }
        }]
      };
    },

    requirements: function (data) {
      return pie(data.labels.requirements, data.requirements);
    },

    tickets: function (data) {
      return pie(data.labels.tickets, data.tickets);
    },

    calendar: function (data, el) {
      var h = data.heatmap;
      if (!h) {
        return null;
      }
      // A year is 53 weeks: on a phone the cells keep a tappable size and the strip scrolls sideways.
      var box = el.parentElement.clientWidth;
      var start = new Date(h.range[0]);
      var end = new Date(h.range[1]);
      var weeks = Math.ceil((end - start) / (7 * 24 * 3600 * 1000)) + 2;
      var cell = Math.max(14, Math.min(40, Math.floor((box - 60) / weeks)));
      var width = weeks * cell + 60;
      el.style.width = width > box ? width + "px" : "100%";
      el.style.height = 7 * cell + 90 + "px";
      return {
        tooltip: { formatter: function (p) { return p.value[0] + ": " + p.value[1] + " " + data.labels.day_meetings; } },
        visualMap: { min: 0, max: Math.max(1, h.max), calculable: false, orient: "horizontal",
                     left: Math.min(box, width) / 2 - 40, bottom: 0, itemHeight: 80, inRange: { color: ["#fde8e8", RED] } },
        calendar: {
          range: h.range, orient: "horizontal", cellSize: cell, top: 30, left: 40, right: 20,
          yearLabel: { show: false }, dayLabel: { firstDay: 1, nameMap: LANG }, monthLabel: { nameMap: LANG },
          itemStyle: { borderColor: "#fff", borderWidth: 1, color: "#f5f5f5" }, splitLine: { lineStyle: { color: "#ccc" } }
        },
        series: [{ type: "heatmap", coordinateSystem: "calendar", data: h.days }]
      };
    }
  };

  function pie(name, items) {
    var shown = items.filter(function (item) { return item.value > 0; });
    if (!shown.length) {
      return null;
    }
    var counts = {};
    shown.forEach(function (item) { counts[item.name] = item.value; });
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      // Names and counts in the legend, counts on the ring: nothing is cut off on a narrow screen.
      legend: { bottom: 0, type: "scroll", formatter: function (n) { return n + " " + counts[n]; } },
      series: [{
        name: name, type: "pie", radius: ["40%", "72%"], center: ["50%", "45%"],
        label: { position: "inside", formatter: "{c}", color: "#212529", fontWeight: "bold", textBorderColor: "#fff",
                 textBorderWidth: 3 },
        labelLine: { show: false },
        data: shown.map(function (item) {
          var row = { name: item.name, value: item.value };
          if (item.color) {
            row.itemStyle = { color: item.color };
          }
          return row;
        })
      }]
    };
  }

  function init() {
    var data = readData();
    if (!data || typeof echarts === "undefined") {
      return;
    }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      var option = build ? build(data, el) : null;
      if (!option) {
        empty(el, data.labels.none);
        return;
      }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      if (el.dataset.chart === "ranking") {
        chart.on("click", function (params) {
          var url = data.ranking.urls[params.dataIndex];
          if (url) {
            window.location.href = url;
          }
        });
      }
      if (el.dataset.chart === "calendar") {
        chart.on("click", function (params) {
          if (params.value && params.value[1] > 0) {
            window.location.href = data.heatmap.url + "&date_from=" + params.value[0] + "&date_to=" + params.value[0];
          }
        });
      }
      el.dataset.rendered = "1";
      charts.push({ chart: chart, el: el, build: build });
    });

    var pending = null;
    function resize() {
      pending = null;
      charts.forEach(function (item) {
        if (item.el.dataset.chart === "calendar" || item.el.dataset.chart === "ranking") {
          item.chart.setOption(item.build(data, item.el), true);  // cell sizes and heights follow the width
        }
        item.chart.resize();
      });
    }
    window.addEventListener("resize", function () {
      if (!pending) {
        pending = window.requestAnimationFrame(resize);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
