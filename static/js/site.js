/* Small progressive enhancements for the public pages. Every page works
   without this file: it only adds "Sao chép liên kết" and lets Escape close
   the phone menu. Loaded from our own origin (CSP script-src 'self'). */
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Older browsers and plain-HTTP pages: copy from a temporary field.
    return new Promise(function (resolve, reject) {
      var field = document.createElement("textarea");
      field.value = text;
      field.setAttribute("readonly", "");
      field.className = "visually-hidden";
      document.body.appendChild(field);
      field.select();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (error) {
        copied = false;
      }
      document.body.removeChild(field);
      if (copied) {
        resolve();
      } else {
        reject(new Error("copy failed"));
      }
    });
  }

  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    var status = button.parentNode.querySelector(".share__status");
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(button.getAttribute("data-copy-link")).then(
        function () {
          if (status) status.textContent = "Đã sao chép liên kết";
        },
        function () {
          if (status) status.textContent = "Không sao chép được, hãy chép địa chỉ trên thanh trình duyệt";
        }
      );
    });
  });

  // Escape closes the phone's section menu and gives focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.sections__menu[open]").forEach(function (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });
})();
