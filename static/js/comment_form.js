/* The comment form's time trap and length counter. The form works without
   this file: its posts then wait for a moderator with a little lower trust,
   and the browser stops the text at the limit. Loaded from our own origin
   (CSP script-src 'self'); it sets no cookie and reads none. */
(function () {
  "use strict";

  var form = document.querySelector("form.comment-form[data-token-url]");
  if (!form) return;

  // The article page is cached and shared, so the time trap's token is asked
  // for when this reader first touches the form: the server then measures
  // their own time from here to the post, and spends the token on it.
  var token = form.elements.namedItem("ts");
  var asking = false;
  function askForToken() {
    if (asking || !token || token.value) return;
    asking = true;
    fetch(form.getAttribute("data-token-url"), {
      method: "POST",
      credentials: "omit",
      cache: "no-store",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.token && !token.value) token.value = data.token;
      })
      .catch(function () {
        asking = false; // offline for a moment: ask again at the next touch
      });
  }
  form.addEventListener("focusin", askForToken);
  form.addEventListener("input", askForToken);

  // The counter. A browser cuts a longer paste at maxlength without a word,
  // so here the limit is shown instead and the server refuses a longer text,
  // saying the limit and keeping what was typed.
  var body = form.elements.namedItem("body");
  var shown = document.getElementById(body ? body.id + "_count" : "");
  var limit = shown && parseInt(shown.getAttribute("data-limit"), 10);
  if (!limit) return;
  body.removeAttribute("maxlength");
  var described = body.getAttribute("aria-describedby");
  body.setAttribute("aria-describedby", (described ? described + " " : "") + shown.id);
  // Screen readers hear the count once the reader pauses, not every keystroke.
  var spoken = document.createElement("span");
  spoken.className = "visually-hidden";
  spoken.setAttribute("aria-live", "polite");
  shown.parentNode.insertBefore(spoken, shown.nextSibling);
  var pause;

  function group(number) {
    return String(number).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function length(text) {
    // As the server counts: characters (not UTF-16 halves), one per line break.
    return Array.from(text.replace(/\r\n?/g, "\n").normalize("NFC").trim()).length;
  }
  function update(event) {
    var left = limit - length(body.value);
    shown.textContent = left >= 0
      ? "còn " + group(left) + " ký tự"
      : "quá " + group(-left) + " ký tự (tối đa " + group(limit) + ")";
    shown.classList.toggle("field__count--over", left < 0);
    if (!event) return;
    clearTimeout(pause);
    pause = setTimeout(function () {
      spoken.textContent = shown.textContent;
    }, 1000);
  }
  body.addEventListener("input", update);
  update();
})();
