/* Suggest existing tags while an editor types in a comma-separated tag field.
 * Asks the admin's autocomplete view (the same one select2 uses) about the word
 * after the last comma, and lists "earlier tags, suggestion" in the datalist so
 * choosing one completes only the last word.
 */
'use strict';
{
    function setup(input) {
        const list = document.getElementById(input.getAttribute('list'));
        let timer = null;
        let lastTerm = null;

        input.addEventListener('input', function() {
            clearTimeout(timer);
            timer = setTimeout(suggest, 200);
        });

        function suggest() {
            const parts = input.value.split(',');
            const term = parts.pop().trim();
            const prefix = parts.map(function(p) { return p.trim(); }).filter(Boolean);
            if (term.length < 1 || term === lastTerm) {
                return;
            }
            lastTerm = term;
            const params = new URLSearchParams({
                app_label: 'articles',
                model_name: 'taggedarticle',
                field_name: 'tag',
                term: term
            });
            fetch(input.dataset.tagSuggest + '?' + params, {credentials: 'same-origin'})
                .then(function(response) { return response.ok ? response.json() : {results: []}; })
                .then(function(data) {
                    list.replaceChildren();
                    data.results.forEach(function(result) {
                        if (prefix.indexOf(result.text) !== -1) {
                            return;
                        }
                        const option = document.createElement('option');
                        option.value = prefix.concat([result.text]).join(', ');
                        option.label = result.text;
                        list.appendChild(option);
                    });
                })
                .catch(function() { list.replaceChildren(); });
        }
    }

    window.addEventListener('load', function() {
        document.querySelectorAll('input[data-tag-suggest]').forEach(setup);
    });
}
