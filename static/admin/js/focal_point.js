// Click on the photo preview to set the focal point the crops keep.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const preview = document.querySelector(".focal-preview");
  const x = document.getElementById("id_focal_x");
  const y = document.getElementById("id_focal_y");
  if (!preview || !x || !y) return;
  const mark = preview.querySelector(".focal-preview__mark");
  const place = () => {
    mark.style.left = `${x.value}%`;
    mark.style.top = `${y.value}%`;
  };
  place();
  preview.addEventListener("click", (event) => {
    const box = preview.querySelector("img").getBoundingClientRect();
    x.value = Math.round(((event.clientX - box.left) / box.width) * 100);
    y.value = Math.round(((event.clientY - box.top) / box.height) * 100);
    place();
  });
  x.addEventListener("input", place);
  y.addEventListener("input", place);
});
