// The library picker opened by django-prose-editor's "Browse..." button:
// hand the chosen photo's URL, alt text and caption back to the editor.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest(".image-picker__choose");
  if (!button || !window.opener || !window.opener.CKEDITOR) return;
  if (button.dataset.warning) window.alert(button.dataset.warning);
  window.opener.CKEDITOR.tools.callFunction(button.dataset.funcNum, button.dataset.url, {
    id: button.dataset.id,
    alternative_text: button.dataset.alt,
    caption: button.dataset.caption,
  });
  window.close();
});
