/* Small progressive enhancements for the public pages. Every page works
   without this file: it only adds "Sao chép liên kết", lets Escape close
   the phone menu and shows recent times as "5 phút trước". Loaded from our
   own origin (CSP script-src 'self'). */
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

  // The server prints absolute times: its pages are cached for minutes, so
  // only the reader's browser knows how long ago "now" was. The absolute time
  // stays in the title; older than a week, it stays the text too.
  var MINUTE = 60000;

  function ago(then, now) {
    var minutes = Math.floor((now - then) / MINUTE);
    if (minutes < 0) return "";
    if (minutes < 1) return "vừa xong";
    if (minutes < 60) return minutes + " phút trước";
    if (minutes < 1440) return Math.floor(minutes / 60) + " giờ trước";
    var days = Math.floor(minutes / 1440);
    return days <= 7 ? days + " ngày trước" : "";
  }

  function showRelativeTimes() {
    var now = Date.now();
    document.querySelectorAll("time[data-relative]").forEach(function (time) {
      if (!time.title) time.title = time.textContent;
      time.textContent = ago(Date.parse(time.dateTime), now) || time.title;
    });
  }

  showRelativeTimes();
  setInterval(showRelativeTimes, MINUTE);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) showRelativeTimes();
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
