// Organization tree: the first click on a node loads its children through htmx (hx-trigger="click once");
// later clicks only fold and unfold what is already loaded.
(function () {
  "use strict";

  function setOpen(button, list, open) {
    list.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "\u2212" : "+";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tree-toggle]");
    if (!button || !button.dataset.loaded) {
      return;
    }
    var list = document.getElementById(button.getAttribute("aria-controls"));
    setOpen(button, list, list.hidden);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list.classList.contains("tree-children")) {
      return;
    }
    var button = document.querySelector('[aria-controls="' + list.id + '"]');
    if (button) {
      button.dataset.loaded = "1";
      setOpen(button, list, true);
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var list = event.detail.target;
    if (list && list.classList.contains("tree-children")) {
      var item = document.createElement("li");
      item.className = "text-danger small";
      item.textContent = document.body.dataset.loadError || "Error";
      list.replaceChildren(item);
      list.hidden = false;
    }
  });
})();

// Searchable multiple choice ([data-pick-list]): type to narrow the options; with data-subtree-of, only the
// organizations under the unit chosen in that select can be picked (the service refuses any other).
(function () {
  "use strict";

  function setUp(list) {
    var search = list.querySelector("[data-pick-search]");
    var count = list.querySelector("[data-pick-count]");
    var options = Array.prototype.slice.call(list.querySelectorAll(".pick-option"));
    var anchor = list.dataset.subtreeOf ? document.getElementById(list.dataset.subtreeOf) : null;

    function prefix() {
      if (!anchor || !anchor.value) {
        return null;
      }
      for (var i = 0; i < options.length; i++) {
        if (options[i].querySelector("input").value === anchor.value) {
          return options[i].dataset.path || null;
        }
      }
      return null;
    }

    function apply() {
      var query = search ? search.value.trim().toLowerCase() : "";
      var root = prefix();
      var chosen = 0;
      options.forEach(function (option) {
        var box = option.querySelector("input");
        var inside = root === null || (option.dataset.path || "").indexOf(root) === 0;
        if (!inside) {
          box.checked = false;
        }
        box.disabled = !inside;
        var matches = !query || (option.dataset.search || "").toLowerCase().indexOf(query) !== -1;
        option.hidden = !inside || !matches;
        if (box.checked) {
          chosen += 1;
        }
      });
      if (count) {
        count.textContent = (list.dataset.countTemplate || "{n}").replace("{n}", String(chosen));
      }
    }

    if (search) {
      search.addEventListener("input", apply);
      // Enter in the search box must not submit the whole form.
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
        }
      });
    }
    if (anchor) {
      anchor.addEventListener("change", apply);
    }
    list.addEventListener("change", apply);
    apply();
  }

  document.querySelectorAll("[data-pick-list]").forEach(setUp);
})();

// Organizational life: a form with data-confirm asks first (finalize, submit a plan); a button with
// data-formset-add="<prefix>" appends a row to a Django formset from its <template id="<prefix>-empty">.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form && form.dataset ? form.dataset.confirm : "";
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) {
      return;
    }
    var prefix = button.dataset.formsetAdd;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) {
      return;
    }
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, total.value));
    total.value = String(Number(total.value) + 1);
  });
})();

// Panels marked data-open-wide start open where there is room beside the main column (a wide screen)
// and folded on a phone, so the checklist stays near the top.
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(min-width: 992px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }
})();
