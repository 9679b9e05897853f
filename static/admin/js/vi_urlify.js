/* Vietnamese slugs in the admin's prepopulated fields.
 *
 * Django's URLify maps "đ" to "dj" (a Serbian map) and drops vowels that carry
 * two marks ("Hà Nội" -> "ha-ni"). This replaces it with the same rules as the
 * server's articles.text.vi_slugify, so the admin shows the slug that is saved.
 */
'use strict';
{
    function viFold(value) {
        return value
            .replace(/đ/g, 'd')
            .replace(/Đ/g, 'D')
            .normalize('NFKD')
            .replace(/[\u0300-\u036f]/g, '');
    }

    window.URLify = function(value, maxLength) {
        let slug = viFold(value).toLowerCase();
        slug = slug.replace(/[^\x00-\x7f]/g, '');
        slug = slug.replace(/[^-\w\s]/g, '');
        slug = slug.replace(/[-\s]+/g, '-');
        slug = slug.replace(/^[-_]+|[-_]+$/g, '');
        if (maxLength && slug.length > maxLength) {
            slug = slug.substring(0, maxLength).replace(/-+$/, '');
        }
        return slug;
    };
}
