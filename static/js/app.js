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
