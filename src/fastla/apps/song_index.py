"""Finding a song in a catalogue: by row number, by track id, or by title.

Titles are compared case-insensitively with runs of spaces counted as one. A title
several artists have used is ambiguous; "title - artist" (or any one of a song's
artists) settles it. Rows with the same title and artist are one song listed
more than once (catalogues list a song again under another genre or album), and
`same_song` finds them."""

import difflib
import functools
import operator


class SongLookupError(LookupError):
    """No song, or more than one, answers to what was asked; `candidates` lists
    the close matches as "title - artist"."""

    def __init__(self, message, candidates=()):
        super().__init__(message)
        self.candidates = list(candidates)


def fold(text):
    """The form titles and artists are compared in."""
    return " ".join(str(text).casefold().split())


class SongIndex:
    def __init__(self, titles, artists, ids=None):
        self.titles, self.artists, self.ids = titles, artists, ids

    def __len__(self):
        return len(self.titles)

    def label(self, row):
        """ "title - artist", as songs are shown."""
        return f"{self.titles[row]} - {self.artists[row]}" if self.artists[row] else self.titles[row]

    def key(self, row):
        """(title, artist) as compared: rows with the same key are one song."""
        return self._keys[row]

    # ---- the indexes, built on first use --------------------------------------------

    @functools.cached_property
    def _keys(self):
        return [(fold(t), fold(a)) for t, a in zip(self.titles, self.artists)]

    @functools.cached_property
    def _by_title(self):
        index = {}
        for row, title in enumerate(self.titles):
            index.setdefault(fold(title), []).append(row)
        return index

    @functools.cached_property
    def _by_key(self):
        index = {}
        for row, key in enumerate(self._keys):
            index.setdefault(key, []).append(row)
        return index

    @functools.cached_property
    def _by_id(self):
        index = {}
        for row, track_id in enumerate(self.ids or ()):
            if track_id:
                index.setdefault(track_id, row)
                index.setdefault(track_id.rsplit(":", 1)[-1], row)  # spotify:track:ID -> ID
        return index

    # ---- questions --------------------------------------------------------------------

    def same_song(self, row):
        """Every row with row's title and artist (row itself included), in order."""
        return self._by_key[self.key(row)]

    def find(self, song):
        """The row of `song`: a row number, a track id, a title or "title - artist"."""
        if isinstance(song, str):
            text = song.strip()
            if text in self._by_id:
                return self._by_id[text]
            return self._find_title(text)
        if isinstance(song, bool):
            raise TypeError(f"a song is a row number, a track id or a title, not {song!r}")
        try:
            row = operator.index(song)
        except TypeError:
            raise TypeError(f"a song is a row number, a track id or a title, not {type(song).__name__}") from None
        if not 0 <= row < len(self.titles):
            raise IndexError(f"row {row} is out of range: the catalogue has rows 0 to {len(self.titles) - 1}")
        return row

    def _find_title(self, text):
        exact = self._by_title.get(fold(text), [])
        if len(self._songs(exact)) == 1:
            return exact[0]
        by_artist = self._title_artist(text)
        if len(self._songs(by_artist)) == 1:
            return by_artist[0]
        rows = exact or by_artist
        if rows:
            labels = [self.label(r) for r in self._songs(rows)]
            raise SongLookupError(
                f"{len(labels)} songs are titled {text!r}: {_listing(labels)}; "
                "name one as \"title - artist\" or by its track id", labels)
        labels = self.close_matches(text)
        hint = f"close matches: {_listing(labels)}" if labels else "nothing close either"
        raise SongLookupError(f"no song titled {text!r} in the catalogue; {hint}", labels)

    def _songs(self, rows):
        """The first row of each distinct song among rows."""
        first = {}
        for r in rows:
            first.setdefault(self.key(r), r)
        return list(first.values())

    def _title_artist(self, text):
        """Rows matching "title - artist", trying each " - " in text as the divide."""
        parts = text.split(" - ")
        rows = []
        for cut in range(1, len(parts)):
            title, artist = fold(" - ".join(parts[:cut])), fold(" - ".join(parts[cut:]))
            for r in self._by_title.get(title, []):
                names = fold(self.artists[r])
                if artist == names or artist in (fold(a) for a in self.artists[r].split(",")):
                    rows.append(r)
        return rows

    def close_matches(self, text, n=8):
        """Up to n "title - artist" labels of titles like text (difflib's ratio, then
        titles that contain it)."""
        query = fold(text.split(" - ")[0])
        titles = list(self._by_title)
        similar = difflib.get_close_matches(query, titles, n=n, cutoff=0.6)
        containing = [t for t in titles if query and query in t and t not in similar]
        labels = []
        for title in similar + containing:
            labels += [self.label(r) for r in self._songs(self._by_title[title])]
        return labels[:n]


def _listing(labels, shown=8):
    text = ", ".join(repr(s) for s in labels[:shown])
    return text + (f" (and {len(labels) - shown} more)" if len(labels) > shown else "")
