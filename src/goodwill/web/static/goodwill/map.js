// The network map: one WebGL scatter trace per large community (the rest share grey), all ties
// as a single line trace, a marker for you and one for the person found with the search box.
(function () {
  "use strict";
  const box = document.getElementById("network-map");
  if (!box || typeof Plotly === "undefined") return;

  const status = document.getElementById("map-status");
  const findForm = document.getElementById("map-find");
  const findInput = document.getElementById("map-person");
  const names = document.getElementById("map-names");
  const personUrl = (id) => box.dataset.personUrl.replace(/0\/$/, id + "/");
  const FOCUS = "#1a56db";
  const TIES = "rgba(60, 72, 66, 0.16)";
  // WebGL copes with thousands of people; without it (some locked-down browsers) SVG still works.
  const SCATTER = (function () {
    try {
      const canvas = document.createElement("canvas");
      return canvas.getContext("webgl") || canvas.getContext("experimental-webgl") ? "scattergl" : "scatter";
    } catch (error) {
      return "scatter";
    }
  })();

  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  function say(parts) {
    status.replaceChildren();
    for (const part of parts) {
      if (typeof part === "string") {
        status.append(part);
      } else {
        const link = document.createElement("a");
        link.href = part.href;
        link.textContent = part.text;
        status.append(link);
      }
    }
  }

  function markerSizes(data, indices, by) {
    const maxDegree = Math.max(1, ...data.degree);
    return indices.map((i) =>
      by === "strength"
        ? 4 + 16 * Math.sqrt(Math.max(0, Math.min(1, data.strength[i])))
        : 4 + 16 * Math.sqrt(data.degree[i] / maxDegree)
    );
  }

  function draw(data) {
    const n = data.id.length;
    const labels = new Map(data.communities.map((c) => [c.id, c]));
    const groups = [];
    const groupOf = new Map();
    for (const c of data.communities) {
      if (c.colour === data.other_colour) continue;
      // Plotly draws trace names as markup: an organisation or tag name must stay text.
      const group = { name: escapeHtml(`${c.label} (${c.size})`), colour: c.colour, members: [] };
      groupOf.set(c.id, group);
      groups.push(group);
    }
    const other = { name: "Smaller groups", colour: data.other_colour, members: [] };
    for (let i = 0; i < n; i++) {
      if (i === data.me) continue;
      (groupOf.get(data.community[i]) || other).members.push(i);
    }
    if (other.members.length) groups.push(other);

    const hover = (i) => {
      const c = labels.get(data.community[i]);
      return `<b>${escapeHtml(data.name[i])}</b><br>${escapeHtml(c ? c.label : "")} · knows ${data.degree[i]}`;
    };

    const ex = [];
    const ey = [];
    for (const [a, b] of data.edges) {
      ex.push(data.x[a], data.x[b], null);
      ey.push(data.y[a], data.y[b], null);
    }
    const traces = [
      {
        type: SCATTER, mode: "lines", x: ex, y: ey, hoverinfo: "skip", showlegend: false,
        line: { color: TIES, width: 0.6 },
      },
    ];
    for (const group of groups) {
      traces.push({
        type: SCATTER, mode: "markers", name: group.name,
        x: group.members.map((i) => data.x[i]), y: group.members.map((i) => data.y[i]),
        customdata: group.members.map((i) => data.id[i]), text: group.members.map(hover),
        hovertemplate: "%{text}<extra></extra>",
        marker: { color: group.colour, size: markerSizes(data, group.members, "degree"), line: { width: 0.5, color: "#ffffff" } },
      });
    }
    if (data.me >= 0) {
      traces.push({
        type: SCATTER, mode: "markers", name: "You",
        x: [data.x[data.me]], y: [data.y[data.me]], customdata: [data.id[data.me]],
        text: [hover(data.me)], hovertemplate: "%{text}<extra></extra>",
        marker: { color: "#1d2520", size: 18, symbol: "diamond", line: { width: 2, color: "#ffffff" } },
      });
    }
    const focusTrace = traces.length;
    traces.push({
      type: "scatter", mode: "markers+text", x: [], y: [], text: [], textposition: "top center",
      hoverinfo: "skip", showlegend: false, textfont: { color: FOCUS, size: 14 },
      marker: { size: 26, color: "rgba(0,0,0,0)", line: { width: 3, color: FOCUS } },
    });

    const narrow = box.clientWidth < 640;
    const axis = { visible: false, showgrid: false, zeroline: false };
    const layout = {
      margin: { l: 4, r: 4, t: 4, b: 4 },
      xaxis: { ...axis },
      yaxis: { ...axis, scaleanchor: "x", scaleratio: 1 },
      hovermode: "closest",
      dragmode: "pan",
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12 },
      legend: narrow
        ? { orientation: "h", x: 0, y: -0.02, yanchor: "top", itemsizing: "constant" }
        : { x: 1, xanchor: "right", y: 1, bgcolor: "rgba(255,255,255,0.85)", itemsizing: "constant" },
    };
    const config = {
      responsive: true, displaylogo: false, scrollZoom: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    };
    box.querySelector(".map-loading")?.remove();
    Plotly.newPlot(box, traces, layout, config).then(() => {
      box.dataset.ready = "true";
    });

    box.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (point && point.customdata !== undefined) window.location.href = personUrl(point.customdata);
    });

    const groupTraces = groups.map((_, g) => g + 1);
    document.querySelectorAll('input[name="map-size"]').forEach((radio) => {
      radio.addEventListener("change", () => {
        const sizes = groups.map((group) => markerSizes(data, group.members, radio.value));
        Plotly.restyle(box, { "marker.size": sizes }, groupTraces);
      });
    });

    const options = document.createDocumentFragment();
    for (const name of [...new Set(data.name)].sort((a, b) => a.localeCompare(b))) {
      const option = document.createElement("option");
      option.value = name;
      options.append(option);
    }
    names.append(options);

    const lower = data.name.map((name) => name.toLowerCase());
    const xs = data.x.filter((v) => v !== null);
    const ys = data.y.filter((v) => v !== null);
    const span = 0.2 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 1e-6);

    function find(text) {
      const wanted = text.trim().toLowerCase();
      if (!wanted) return -1;
      let found = lower.indexOf(wanted);
      if (found < 0) found = lower.findIndex((name) => name.startsWith(wanted));
      if (found < 0) found = lower.findIndex((name) => name.includes(wanted));
      return found;
    }

    findForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const i = find(findInput.value);
      if (i < 0) {
        say([`No one called “${findInput.value.trim()}” is on the map.`]);
        return;
      }
      const c = labels.get(data.community[i]);
      Plotly.restyle(box, { x: [[data.x[i]]], y: [[data.y[i]]], text: [[data.name[i]]] }, [focusTrace]);
      Plotly.relayout(box, {
        "xaxis.range": [data.x[i] - span, data.x[i] + span],
        "yaxis.range": [data.y[i] - span, data.y[i] + span],
      });
      box.dataset.focus = String(data.id[i]);
      say([
        `${data.name[i]}${i === data.me ? " (you)" : ""}: in ${c ? `the group “${c.label}”` : "a group of their own"}, knows ${data.degree[i]} ${data.degree[i] === 1 ? "person" : "people"} here. `,
        { href: personUrl(data.id[i]), text: `Open ${data.name[i]}'s page` },
      ]);
    });

    document.getElementById("map-reset").addEventListener("click", () => {
      Plotly.restyle(box, { x: [[]], y: [[]], text: [[]] }, [focusTrace]);
      Plotly.relayout(box, { "xaxis.autorange": true, "yaxis.autorange": true });
      delete box.dataset.focus;
      say([`Showing everyone: ${n} ${n === 1 ? "person" : "people"}.`]);
    });
  }

  fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error(`the map data could not be loaded (${response.status})`);
      return response.json();
    })
    .then(draw)
    .catch((error) => {
      box.querySelector(".map-loading")?.remove();
      say([`Sorry: ${error.message}. The groups are still listed below.`]);
    });
})();
