/* covmerge's HTML report: sorting and filtering the index, j/k through the
 * missed lines of a file page. Plain JavaScript, no libraries, nothing from
 * the network; the pages read only their own DOM (the one piece of data,
 * a file page's table of test ids, is a JSON script element that is never
 * run), and work without it too. */
(function () {
	'use strict';

	function num(v) {
		var x = parseFloat(v);
		return isNaN(x) ? -1 : x;
	}

	/* The index: a click on a column head sorts by it, a second click
	 * reverses; the filter keeps rows whose path holds the text. */
	function initIndex() {
		var table = document.getElementById('files');
		if (!table || !table.tBodies.length)
			return;
		var body = table.tBodies[0];
		var heads = table.querySelectorAll('th[data-sort]');
		var sortKey = null, sortDir = 1;

		function sortBy(key) {
			if (key === sortKey)
				sortDir = -sortDir;
			else {
				sortKey = key;
				sortDir = 1;
			}
			var rows = Array.prototype.slice.call(body.rows);
			rows.sort(function (a, b) {
				var c;
				if (key === 'name')
					c = a.dataset.name < b.dataset.name ? -1
						: a.dataset.name > b.dataset.name ? 1 : 0;
				else
					c = num(a.dataset[key]) - num(b.dataset[key]);
				if (c === 0 && key !== 'name')
					c = a.dataset.name < b.dataset.name ? -1 : 1;
				return c * sortDir;
			});
			rows.forEach(function (r) { body.appendChild(r); });
			Array.prototype.forEach.call(heads, function (th) {
				if (th.dataset.sort === key)
					th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
				else
					th.removeAttribute('aria-sort');
			});
		}
		Array.prototype.forEach.call(heads, function (th) {
			th.addEventListener('click', function () { sortBy(th.dataset.sort); });
		});

		var filter = document.getElementById('filter');
		var count = document.getElementById('shown');
		function applyFilter() {
			var q = filter.value.toLowerCase(), shown = 0;
			Array.prototype.forEach.call(body.rows, function (r) {
				var keep = r.dataset.name.toLowerCase().indexOf(q) >= 0;
				if (keep) {
					r.removeAttribute('hidden');
					shown++;
				} else
					r.setAttribute('hidden', '');
			});
			if (count)
				count.textContent = q ? shown + ' of ' + body.rows.length + ' files'
					: body.rows.length + ' files';
		}
		if (filter) {
			filter.addEventListener('input', applyFilter);
			if (filter.value)
				applyFilter();
		}
	}

	/* A file page: j and k go to the start of the next and the previous
	 * run of missed or partly run lines (consecutive rows of class miss
	 * or part). */
	function initFile() {
		var table = document.getElementById('source');
		if (!table)
			return;
		var rows = Array.prototype.slice.call(table.querySelectorAll('tr.line'));
		function bad(r) {
			return r && (r.classList.contains('miss') || r.classList.contains('part'));
		}
		var starts = [];
		rows.forEach(function (r, i) {
			if (bad(r) && !bad(rows[i - 1]))
				starts.push(i);
		});
		var current = -1;

		function mark(i, scroll) {
			var old = table.querySelectorAll('tr.current');
			Array.prototype.forEach.call(old, function (r) { r.classList.remove('current'); });
			current = i;
			if (i < 0)
				return;
			var row = rows[i];
			row.classList.add('current');
			if (scroll) {
				if (location.hash !== '#' + row.id)
					location.hash = row.id;
				row.scrollIntoView({block: 'center'});
			}
		}
		function fromHash() {
			var id = decodeURIComponent(location.hash.slice(1));
			for (var i = 0; i < rows.length; i++)
				if (rows[i].id === id) {
					if (i !== current)
						mark(i, false);
					return;
				}
		}
		window.addEventListener('hashchange', fromHash);
		if (location.hash)
			fromHash();

		document.addEventListener('keydown', function (e) {
			if (e.altKey || e.ctrlKey || e.metaKey)
				return;
			var t = e.target;
			if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))
				return;
			var k;
			if (e.key === 'j') {
				for (k = 0; k < starts.length && starts[k] <= current; k++)
					;
				if (k < starts.length)
					mark(starts[k], true);
			} else if (e.key === 'k') {
				for (k = starts.length - 1; k >= 0 && starts[k] >= current; k--)
					;
				if (current < 0)
					k = -1;
				if (k >= 0)
					mark(starts[k], true);
			} else
				return;
			e.preventDefault();
		});
	}

	/* Per-test contexts: a click on a line's count (button.ctxn) opens a
	 * row under the line listing the tests that ran it: data-t holds
	 * indices ("0,3-5") into the page's table #ctx-tests; a second click
	 * closes it. Ids go in as text, never as markup. */
	function ctxIds(spec, table) {
		var out = [];
		spec.split(',').forEach(function (part) {
			if (!part)
				return;
			var ab = part.split('-'), a = parseInt(ab[0], 10);
			var b = ab.length > 1 ? parseInt(ab[1], 10) : a;
			for (var i = a; i <= b; i++)
				if (i >= 0 && i < table.length)
					out.push(table[i]);
		});
		return out;
	}
	function initContexts() {
		var data = document.getElementById('ctx-tests');
		var src = document.getElementById('source');
		if (!data || !src)
			return;
		var table = null;
		Array.prototype.forEach.call(src.querySelectorAll('button.ctxn'), function (b) {
			b.setAttribute('aria-expanded', 'false');
		});
		src.addEventListener('click', function (e) {
			var b = e.target.closest ? e.target.closest('button.ctxn') : null;
			if (!b)
				return;
			var row = b.closest('tr');
			var next = row.nextElementSibling;
			if (next && next.classList.contains('ctx-row')) {
				next.parentNode.removeChild(next);
				b.setAttribute('aria-expanded', 'false');
				return;
			}
			if (!table)
				table = JSON.parse(data.textContent);
			var tr = document.createElement('tr');
			tr.className = 'ctx-row';
			var td = document.createElement('td');
			td.colSpan = row.cells.length;
			var head = document.createElement('div');
			var ids = ctxIds(b.dataset.t || '', table);
			head.textContent = ids.length + (ids.length === 1 ? ' test' : ' tests') +
				' ran line ' + row.id.slice(1) + ':';
			var ul = document.createElement('ul');
			ul.className = 'ctx-list';
			ids.forEach(function (id) {
				var li = document.createElement('li');
				li.textContent = id;
				ul.appendChild(li);
			});
			td.appendChild(head);
			td.appendChild(ul);
			tr.appendChild(td);
			row.parentNode.insertBefore(tr, next);
			b.setAttribute('aria-expanded', 'true');
		});
	}

	function init() {
		if (document.body.classList.contains('cm-index'))
			initIndex();
		else if (document.body.classList.contains('cm-file')) {
			initFile();
			initContexts();
		}
	}
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();
