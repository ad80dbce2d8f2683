"""Known furniture phrasing in scraped news copy: photo captions and credits, story credits, teasers, embeds, pitches.

Each pattern is wording a news page uses for furniture and reporting does not (a caption's "(AP Photo/…)",
"Writing by …; Editing by …", "Continue reading the main story"), so a unit matching one goes wherever
it stands, with the reason named here. Short length alone is never evidence.
"""

from __future__ import annotations

import functools
import re

from .features import lowered, may_match

_AGENCY = (r"(?:AP|AFP|EPA|EPA-EFE|Reuters|REUTERS|PA|PA Wire|PA Media|Getty Images|Getty|Bloomberg|Xinhua|Anadolu|"
           r"Shutterstock|Alamy|NurPhoto|SOPA Images|Sipa|DPA|dpa|Kyodo|Yonhap|TASS|Newscom|ZUMA|Agencies|"
           r"Agence France-?[Pp]resse|The Associated Press|Associated Press|NASA|Rex Features|Handout|Splash News|BACKGRID|"
           r"Backgrid|WENN|MEGA|Sputnik|Pool)")
_NAME = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}"
_END = r"\s*[.]?\s*$"

# photo captions and credits
_CAPTION: list[tuple[re.Pattern, tuple[str, ...]]] = [  # (pattern, keys: one of them is in every line it matches, lower-cased)
    # a credit closing the line: "(AP Photo/Name)", "(Photo by Name/Getty Images)", "(Name via AP)", "(Ministry/AP)"
    (re.compile(rf"\((?:{_AGENCY} )?Photos?\s*(?:/|by\b)[^()]{{2,100}}\){_END}"), ('photo',)),
    (re.compile(rf"\([^()]{{2,100}}\bvia {_AGENCY}[^()]{{0,20}}\){_END}"), ('via ',)),
    (re.compile(rf"\([^()]{{0,100}}/\s*{_AGENCY}(?:,? File)?\){_END}"), ('/',)),
    (re.compile(rf"[(\[](?:{_AGENCY}|Photo/\w+|File Photo)[)\]]{_END}"), ('(', '[')),
    (re.compile(rf"\((?:Photo|Photos|Image|Photograph|Video)\s*:\s*[^()]{{2,80}}\){_END}"), ('photo', 'image', 'video')),
    (re.compile(r"\bin an? (?:photo|image|picture) (?:obtained|released|provided|distributed|made available) (?:exclusively )?by\b"), ('in a',)),
    (re.compile(rf"\b(?:REUTERS|Reuters|AFP|EPA|AP)\s*/\s*{_NAME}{_END}"), ('/',)),
    (re.compile(rf"(?:\bPhotographer:\s*)?{_NAME}\s*/\s*{_AGENCY}{_END}"), ('/',)),
    (re.compile(r"^\s*(?:Photo|Photos|Photograph|Image|Picture|Pictures)\s*:\s*\S"), ()),
    # caption widgets and credit prefixes glued to the caption
    (re.compile(r"^\s*(?:Enlarge this image|toggle caption|Open this photo in gallery|Image caption|Image copyright)\b", re.I), ()),
    (re.compile(r"^\s*(?:Getty(?: Images)?\s*[-–]\s*Contributor|AFP or licensors|AP:Associated Press|PA:Press Association|"
               r"Rex Features|Rex/Shutterstock)\b"), ()),
    # caption phrasing: "This photo released by …", "FILE - In this Dec. 28 file photo, …", "An image from a video …"
    (re.compile(r"^\s*(?:FILE\s*[-–—:]\s*)?(?:In )?this (?:[\w.,'’]+ ){0,8}?(?:file )?(?:photo|image|picture|handout photo|"
               r"video grab|screen ?grab|photograph)(?:,| (?:released|made available|provided|taken|shows|showing|obtained|"
               r"distributed|from))", re.I), ()),
    (re.compile(r"^\s*(?:A|An|Am) (?:file )?(?:image|photo|picture|still|grab|screengrab) (?:from|taken|released|provided|"
               r"made available)\b", re.I), ()),
    (re.compile(r"^\s*(?:Grab|Screengrab|Screenshot|Still) (?:from|of)\b", re.I), ()),
    # a caption closed by its credit: "… Photograph: Name for the Outlet", "… Photo: Name/Outlet"
    (re.compile(r"\b(?:Photograph|Photo|Photos|Picture|Illustration|Composite|Credit)\s*:\s*[^.!?]{2,80}$"), (':',)),
    # a credit line alone: "Ann Lee/OUTLET", "PICTURE DESK•GETTY"
    (re.compile(rf"^\s*[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){{1,3}}\s*/\s*(?:[A-Z][A-Z0-9&.]+|{_AGENCY})\s*$"), ()),
    (re.compile(r"^\s*[A-Z][A-Z .&'’-]{1,40}\s*•\s*(?:GETTY|AFP|AP|EPA|REUTERS|PA|REX|SHUTTERSTOCK|ALAMY)\b"), ()),
    # a credit signed with "©" (not a copyright year): "… of the wealthy ©Ann Lee (AFP/File)", "© Ann Lee"
    (re.compile(r"(?<!Copyright )(?<!copyright )©\s*(?!(?:19|20)\d\d\b)[A-Za-z][^©.!?]{0,60}?(?:\([^()]{1,40}\))?\s*$"), ('©',)),
    # a photographer and outlet closing a caption: "… Here's why. (Ann Lee/The Courier)", "… AP Photo/Ann Lee"
    (re.compile(r"\([A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}\s*/\s*(?:The )?[A-Z][\w.&'’ -]{1,40}\)\s*$"), ('/',)),
    (re.compile(rf"\bAP Photo\s*/\s*{_NAME}(?:,? File)?{_END}"), ('/',)),
    # an agency's name alone after the caption's last stop: "… leaves the hotel on Monday. Splash News"
    (re.compile(rf"[.!?]\s+{_AGENCY}{_END}"), ()),
    # a photographer's credit opening a caption: "Ann Lee / Reuters North Korean leader …", "GETTY Is bitcoin …?"
    (re.compile(rf"^\s*{_NAME}\s*/\s*{_AGENCY}\s+(?=[A-Z])"), ()),
    (re.compile(rf"^\s*{_AGENCY}\s*/\s*{_NAME}\s*$"), ()),
    (re.compile(r"^\s*(?:GETTY(?: IMAGES)?|REUTERS|AFP|EPA|ALAMY|SHUTTERSTOCK|REX)\s+(?=[A-Z\"“‘'])"), ()),
    # a caption's credit or picture note: "(file photo)", "Credit: Ann Lee"
    (re.compile(r"\((?i:file )?(?i:photo|image|picture|pictures|photos)\)\s*$", re.I), ('photo', 'image', 'picture')),
    (re.compile(r"^\s*(?:Photo |Image |Picture )?Credits?\s*:\s*\S"), ()),
    (re.compile(r"\((?:Image|Photo|Picture) credit\s*:[^()]{2,80}\)\s*$", re.I), ('credit',)),
    (re.compile(r"^\s*(?:Photo |Image |Picture )?[Cc]ourtesy (?:of )?[^.!?]{2,60}$"), ()),
    (re.compile(r"^\s*[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}\s*\|\s*(?:Getty Images|Shutterstock|Alamy|EPA|EPA-EFE|AFP|AP|"
               r"Reuters|Bloomberg|NurPhoto|Splash News)\s*$"), ()),
    # a news agency's initials credit closing a story: "jm/dm (AFP, dpa)"
    (re.compile(r"^\s*[a-z]{2,4}(?:\s*/\s*[a-z]{2,4})+\s*(?:\([^()]{1,40}\))?\s*$"), ()),
]
# caption wording that reporting also uses: only on a line with no closing stop, as captions are written
_CAPTION_NO_STOP = re.compile(r"\b(?:photo|image|picture)s? (?:released|made available|provided|obtained|distributed|handed out) "
                              r"(?:exclusively )?by\b|(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bbeing )\bpictured\b|\((?:left|right|centre|center|above|below|top|bottom)\)|"
                              r", (?:left|right|centre|center|second from (?:left|right)),", re.I)
# a credit first, then a caption with no closing stop ("Reuters In 2014 the group …")
_CREDIT_FIRST = re.compile(r"^\s*(?:Reuters|REUTERS|AFP|AP|EPA|Getty Images|Getty|GETTY|PA|Alamy|Shutterstock|Splash News|"
                           r"BACKGRID|Backgrid|WENN)\s+(?=[A-Z])")
_STOP = re.compile(r"[.!?…][\"'”’)\]]*\s*$")

# an embedded post's signature: "— Ann Lee (@annlee) March 3, 2018" (the post above it is what someone said, and who)
POST_SIGNATURE = re.compile(r"^\s*[—–-]\s*[^()\n]{1,80}\(@\w{1,30}\)\s+\w+\.? \d{1,2},? \d{4}\s*$")
_SIGNED = re.compile(r"\s*[—–-]\s*[^()\n—–]{1,80}\(@\w{1,30}\)\s+\w+\.? \d{1,2},? \d{4}\s*$")


def unsigned(text: str) -> str:
    """An embedded post's words without the signature closing them ("… — Name (@handle) May 5, 2018"): what its
    author said, which other reports may tell too."""
    return _SIGNED.sub("", text)

_GALLERY = re.compile(r"^\s*(\d{1,3})\s*(?:/|of)\s*(\d{1,3})\b\s*(.*)$")

_RULES: list[tuple[str, re.Pattern, tuple[str, ...]]] = [
    ("credit", re.compile(r"\bcontributed (?:reporting|to this (?:report|story|article))|"
                          r"\b(?:reporting|writing|editing) by\b.{0,120}\b(?:writing|editing|reporting) by\b", re.I), ('contributed ', 'reporting by', 'writing by', 'editing by')),
    ("credit", re.compile(r"^\s*[(\[]?\s*(?:additional )?(?:reporting|writing|editing|compiled|research|edited|written|"
                          r"produced) by\b", re.I), ()),
    ("credit", re.compile(r"^\W*with (?:additional )?(?:assistance|reporting) (?:by|from)\b", re.I), ()),
    # an embedded post's widget label ("Skip Twitter post by @x"); the post and its signature ("— Ann Lee (@annlee)
    # March 3, 2018") are what someone said, and who: they stay
    ("social-embed", re.compile(r"^\s*skip (?:twitter|instagram|facebook|youtube) post\b", re.I), ()),
    ("social-prompt", re.compile(r"^\s*(?:follow\b.{0,80}\bon (?:twitter|facebook|instagram|x)\b|email the author\b|"
                                 r"check us out on\b|like us on facebook\b|follow us\b)|"
                                 r"^\s*e-?mail\s*:\s*\S+@\S+.{0,80}\bfollow\b|\bread the original article on\b|"
                                 r"\bden originalartikel gibt es\b|^\s*reach the (?:reporter|writer|author|correspondent)s? (?:on twitter|at)\b",
                                 re.I), ('follow', 'check us out on', 'like us on facebook', 'mail', 'read the original article on', 'den originalartikel gibt es', 'reach the ')),
    ("related-list", re.compile(r"^\s*(?:follow|read|see|find|get) (?:[\w.]+'?’?s )?(?:full|more|complete|all|latest) "
                                r"(?:[\w-]+ ){0,2}coverage\b", re.I), ()),
    ("legal-notice", re.compile(r"\bcopyright\s*©|\bcopyright (?:©\s*)?(?:19|20)\d\d\b|\bmay not be in its final form\b|"
                                r"\btranscripts? (?:are|is) created on a rush deadline\b", re.I), ('copyright', 'may not be in its final form', 'created on a rush deadline')),
    ("related-list", re.compile(r"^\s*for more (?:[\w-]+ ){0,3}(?:coverage|news|stories|information)\b.{0,30}(?:https?://|www\.)",
                                re.I), ()),
    ("share-buttons", re.compile(r"^\s*read or share this story\b", re.I), ()),
    ("social-embed", re.compile(r"\bA post shared by\b.{0,80}\bon \w+ \d{1,2}, \d{4}|"
                                r"\bPosted by .{1,80} on (?:\w+day, )?(?:\d{1,2} \w+|\w+ \d{1,2},?) \d{4}\s*$", re.I), ('a post shared by', 'posted by ')),
    ("advertisement", re.compile(r"\bcontinue reading the main story\b|\bstory continues below(?: the)? advertisement\b|"
                                 r"^\s*(?:advertisement|anzeige|werbung|publicité|publicidad|pubblicità)\s*:?\s*$", re.I), ('continue reading the main story', 'story continues below', 'advertisement', 'anzeige', 'werbung', 'publicité', 'publicidad', 'pubblicità')),
    ("newsletter", re.compile(r"\bplease verify you'?’?re not a robot\b|\byou agree to receive occasional updates\b|"
                              r"\bsign up for (?:our|the) .{0,40}newsletters?\b|^\W*thanks? (?:you )?for (?:signing up|subscribing)\b|"
                              r"\bkeep an eye on your inbox\b|\berror processing your subscription\b", re.I), ('not a robot', 'you agree to receive occasional updates', 'sign up for ', 'for signing up', 'for subscribing', 'keep an eye on your inbox', 'error processing your subscription')),
    ("legal-notice", re.compile(r"\bthis copy is for your personal,? non-?commercial use only\b|"
                                r"\bgoverned by our subscriber agreement\b", re.I), ('this copy is for your personal', 'governed by our subscriber agreement')),
    ("share-buttons", re.compile(r"^\W*(?:order reprints?|print (?:this )?article|e-?mail (?:this )?article|save (?:this )?article|"
                                 r"share (?:this )?article|this article has been sent to|an error has occurred,? please try again"
                                 r"(?: later)?)\W*$", re.I), ()),
    ("social-prompt", re.compile(r"^\s*(?i:write to|contact|email) (?:(?i:the (?:author|reporter|writer))|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}) "
                                 r"at \S+@\S+\s*\.?\s*$"), ()),
    # a prompt closing an author's note: "… Follow him on Twitter @ann.", "Have a tip? Ann Lee may be reached at ann@…",
    # "Join our Space Forums to keep talking space"
    ("social-prompt", re.compile(r"(?:^|[.!?]\s+)follow (?:him|her|them|us|me) on (?:twitter|facebook|instagram)\b[^.!?]{0,80}[.!?]?\s*$|"
                                 r"\b(?:may|can) be reached at \S+@\S+|^\s*join (?:our|the) [\w ]{1,30}(?:forums?|community)\b", re.I), ('follow ', 'be reached at ', 'join ')),
    ("newsletter", re.compile(r"^\s*subscribe to (?:the |our )?[\w .'’-]{0,40}\b(?:channel|newsletter|podcast)\b|"
                              r"\bon the go by clicking here\b", re.I), ('subscribe to ', 'on the go by clicking here')),
    ("reader-pitch", re.compile(r"\bdo you have a story for\b|\bwe pay for (?:your )?(?:stories|videos)\b|"
                                r"\bemail us at \S+@|\bsend us your (?:stories|story tips|tips|photos|videos)\b", re.I), ('do you have a story for', 'we pay for ', 'email us at ', 'send us your ')),
    ("related-list", re.compile(r"^\s*(?:related stories|related articles|related coverage|most read|just watched|must watch|"
                                r"more videos|recommended for you|you may also like)\b", re.I), ()),
    ("highlights", re.compile(r"^\s*story highlights\b", re.I), ()),
    ("author-bio", re.compile(r"^\W*about the (?:author|writer|reporter)s?\W*$", re.I), ()),
    # an opinion piece's note on its author, closed by the outlet's disclaimer ("Ann Lee is a columnist for … The
    # opinions expressed in this commentary are hers.")
    ("author-bio", re.compile(r"\b(?:opinions|views) expressed in this (?:commentary|column|article|piece|op-?ed|essay) "
                              r"are (?:solely )?(?:his|hers|her|theirs|their|the (?:author|writer)'?’?s?|those of the (?:author|writer))\b",
                              re.I), ("expressed in this",)),
    # search-result or transcript snippets: a fragment opening with an ellipsis and cut again inside
    ("snippet", re.compile(r"^\s*(?:\.\.\.|…)\s*\w.*(?:\.\.\.|…)"), ()),
    # an update's header introducing the updated text ("Update, Nov. 15, 4pm: X sent the following statement:")
    ("update-note", re.compile(r"^\s*(?:update|updated|editor'?’?s note)\b[^:]{0,40}:.{0,120}:\s*$", re.I), ()),
    ("video-teaser", re.compile(r"^\s*(?:CLOSE|REPLAY|PLAY VIDEO|WATCH VIDEO)\s+(?=[A-Z\"“])"), ()),
    ("video-teaser", re.compile(r"^\W*watch (?:the )?(?:full )?video (?:above|below)\W*$", re.I), ()),
    # a widget's or an ad slot's label, a link's prompt
    ("share-buttons", re.compile(r"^\W*listen to this (?:article|story)\b[^.!?]{0,30}$", re.I), ()),
    ("advertisement", re.compile(r"^\W*(?:scroll to continue(?: with content)?|continue reading below)\W*$", re.I), ()),
    ("link", re.compile(r"^\W*click here to (?:read|see|watch|find out) more\b[^.!?]{0,60}[.!]?\s*$", re.I), ()),
    # syndication and update notes, an agency's standards line
    ("credit", re.compile(r"^\W*this (?:article|story) (?:originally |first )?(?:appeared|was (?:originally |first )?published) "
                          r"(?:on|in|by)\b", re.I), ()),
    ("update-note", re.compile(r"^\W*this (?:article|story|post) has been updated\b", re.I), ()),
    ("legal-notice", re.compile(r"^\W*our standards\s*:", re.I), ()),
    # a byline written without "By": "Ann Lee | Staff writer", "— Ann Lee, Reuters"
    ("byline", re.compile(rf"^\W*[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){{1,2}}\s*[|,]\s*(?:(?i:(?:senior |chief |staff |contributing )?"
                          r"(?:writer|reporter|correspondent|editor))|Reuters|AP|AFP|The Associated Press|Associated Press|Bloomberg|"
                          r"dpa|Xinhua)\s*$"), ()),
]
_TEASER = re.compile(r"^\s*(?:READ MORE|Read more|READ ALSO|Read also|ALSO READ|Also read|RELATED|Related|MORE|More|WATCH|Watch|"
                     r"SEE ALSO|See also|LISTEN|Listen|RECOMMENDED|Recommended|MUST READ|Must read|TRENDING|Trending)\s*:\s*\S")
_BRACKETED = re.compile(r"^\s*\[[^\[\]]{3,200}\]\s*$")
# another story's headline with its link label after it: "Bank bans card purchases of bitcoin Read more"
_TEASER_TAIL = re.compile(r"\S\s+(?:Read more|READ MORE|Read More)\s*$")


_LONG_RULES = frozenset(("advertisement", "newsletter", "related-list", "highlights"))  # rules that allow 120 words


def furniture_reason(text: str, words: int) -> str | None:
    """Why `text` (one unit, `words` long) is furniture by its wording, or None."""
    low = lowered(text)
    for reason, rx, keys in _RULES:  # the word limit and the keys first: most units skip most regexes
        if words <= (120 if reason in _LONG_RULES else 60) and may_match(keys, low) and rx.search(text):
            return reason
    if words <= 25 and (_TEASER.search(text) or _BRACKETED.search(text) or (may_match(("read more",), low) and _TEASER_TAIL.search(text))):
        return "link"
    return "photo-caption" if _is_caption(text, words, low) else None


def _is_caption(text: str, words: int, low: str | None = None) -> bool:
    """A photo caption or credit line by its wording (`words` long); a quote is never one. `low`: `lowered(text)`."""
    if words > 70 or text.lstrip().startswith(("\"", "“", "'", "‘")):
        return False
    if low is None:
        low = lowered(text)
    for rx, keys in _CAPTION:
        if may_match(keys, low) and rx.search(text):
            return True
    return not _STOP.search(text) and bool(_CREDIT_FIRST.search(text) or _CAPTION_NO_STOP.search(text))


_TEASER_HEAD = re.compile(r"^\W*(?:read more|read also|also read|see also|more on this(?: story)?|more stories|related(?: stories| "
                          r"articles| coverage| content)?|recommended(?: for you)?|you may also like|read this next|"
                          r"more from [\w .&'’-]{1,40})\W*$", re.I)


_PERIOD = re.compile(r"(?<![.…])\.[\"'”’)\]]*\s*$")


def teaser_lists(texts: list[str]) -> set[int]:
    """Indices of a teaser list closing an article: a heading ("Read more:", "Related stories") and the short
    headlines after it, when nothing but such headlines follows to the end. Headlines are not closed by a period:
    lines that mostly are (the article's own paragraphs under a stray "Related" label) are no such list."""
    for i, t in enumerate(texts):
        if _TEASER_HEAD.match(t):
            rest = texts[i + 1:]
            if all(len(r.split()) <= 25 for r in rest) and 3 * sum(bool(_PERIOD.search(r)) for r in rest) <= len(rest):
                return set(range(i, len(texts)))
    return set()


def gallery_counters(texts: list[str]) -> set[int]:
    """Indices of gallery counters ("7/8", "1/34 Firefighters …"): a counter alone on its line, or
    captions numbered against one total that occurs at least twice on the page."""
    found: dict[int, list[int]] = {}
    alone: set[int] = set()
    for i, t in enumerate(texts):
        m = _GALLERY.match(t)
        if not m or not 0 < int(m.group(1)) <= int(m.group(2)):
            continue
        if not m.group(3).strip():
            alone.add(i)
        found.setdefault(int(m.group(2)), []).append(i)
    out = set(alone)
    for idx in found.values():
        if len(idx) >= 2:
            out.update(idx)
    return out


# caption and credit wording that may remain inside kept text (a caption run into a paragraph, a sentence the
# cleaner kept): each says the words describe a picture, not the story
_CAPTION_WITHIN: list[tuple[re.Pattern, tuple[str, ...]]] = [  # (pattern, keys: one is in every line it matches, lower-cased)
    (re.compile(r"\((?:AP|AFP|Reuters|EPA|Getty|Photo)[^)]{0,60}\)", re.I), ("(ap", "(afp", "(reuters", "(epa", "(getty", "(photo")),
    (re.compile(r"\bAP Photo\b", re.I), ("ap photo",)),
    (re.compile(r"\b(?:photo|picture|image)\s*(?:credit)?\s*:", re.I), ("photo", "pictur", "image")),
    (re.compile(r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bbeing )\bpictured\b", re.I), ("pictured",)),
    (re.compile(r"\bIn this (?:\w+[ ,.]+){0,8}(?:photo|image|picture)\b", re.I), ("photo", "image", "pictur")),
    (re.compile(r"\b(?:Photos?|Pictures?) by\b"), ("photo", "picture")),
    (re.compile(r"\bGetty Images\b", re.I), ("getty",)),
    (re.compile(r"\bvia AP\b", re.I), ("via ap",)),
    (re.compile(r"\bCredit:", re.I), ("credit:",)),
    (re.compile(r"\bShutterstock\b", re.I), ("shutterstock",)),
    (re.compile(r"^\s*(?:Reuters|AP|AFP|EPA|Getty(?: Images)?|PA|Alamy|Xinhua)\s+(?=[A-Z])", re.I), ()),  # gated by `_WITHIN_OPENERS`
    (re.compile(r"^\s*(?:\w{1,3}\s+)?(?:image|photo|picture|still|grab|screenshot|screengrab|video still)\b[^.]{0,80}\b(?:shows?|"
                r"showing|taken)\b", re.I), ("image", "photo", "pictur", "still", "grab", "screen")),
    (re.compile(r"\bA (?:post|photo|video) shared by\b", re.I), ("shared by",)),
    (re.compile(r"\(@\w+\)\s+\w+\.? \d{1,2}, \d{4}", re.I), ("(@",)),
    (re.compile(r"^\s*\d+\s*/\s*\d+\b", re.I), ("/",)),
    (re.compile(r"\b(?:File|Handout) (?:photo|image)\b", re.I), ("file ", "handout ")),
]
# a wire report's dateline: "WASHINGTON (AP) —", "OFER PRISON, West Bank (Reuters) -"
_WIRE_DATELINE = re.compile(r"^\s*[A-Z][A-Z.'’ -]*(?:,\s*[A-Z0-9][\w.'’ -]*){0,2}\s*\((?:AP|AFP|Reuters|EPA|UPI|dpa|CNN|Xinhua)\)\s*[-–—]+\s*")
# any key of `_CAPTION_WITHIN`, or a line opening with an agency name: a cheap test first (most paragraphs have none)
_WITHIN_KEYS = tuple(dict.fromkeys(k for _, keys in _CAPTION_WITHIN for k in keys))
_WITHIN_OPENERS = ("reuters", "ap ", "afp", "epa", "getty", "pa ", "alamy", "xinhua")
# who stands where in a picture: "Ann Lee, left, and …"
_PLACED = re.compile(r", (?:left|right|centre|center|second from (?:left|right)),")
_PLACED_KEYS = (", left,", ", right,", ", centre,", ", center,", ", second from ")
# a paragraph ending in a photo credit ("… REUTERS/Ann Lee", "(AP Photo/Ann Lee)", "Ann B. Lee/Bloomberg", "… via Ministry";
# not a sentence closing "… announced via Twitter.")
_CREDIT_END = re.compile(r"(?:\b[A-Z][\w.]*\s?/\s?[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}|\bvia [A-Z][\w .'-]{0,40}\w"
                         r"|\b(?:Getty Images|Splash News|Shutterstock|Alamy)\b[^.!?]{0,30})\)?\s*$")
_CREDIT_END_KEYS = ("/", "via ", "getty images", "splash news", "shutterstock", "alamy")
# a credit merged into a name: "Ann Lee/The Press", "Ann Lee / Reuters" (not "AC/DC" or "24/7")
_CREDIT_IN_NAME = re.compile(r"\w \w[\w.'-]*\s*/\s*(?:\w|$)|\w\s*/\s*$")


def caption_or_credit(text: str, within: bool = False) -> bool:
    """The one test for photo captions and credits, shared by every stage that must not read one as reporting.

    `within=False`: `text` (a line, paragraph or sentence) is a caption or credit, or carries caption or credit
    wording (the cleaner's own furniture rules, a picture's placement "Ann Lee, left,", a credit closing it): its
    numbers are no figures of the story, its people no speakers, its words no summary. `within=True`: `text` is
    a name or span cut from running text, and a credit is merged into it ("Ann Lee/The Press")."""
    if within:
        return bool(_CREDIT_IN_NAME.search(text))
    return _caption_or_credit(text)


@functools.lru_cache(maxsize=1 << 15)
def _caption_or_credit(text: str) -> bool:
    """`caption_or_credit` of a whole line, memoised: a brief asks it of each sentence in several steps."""
    text = _WIRE_DATELINE.sub("", text, count=1)  # "WASHINGTON (AP) — …" opens a wire report: no credit
    low = text.lower()
    within = any(k in low for k in _WITHIN_KEYS) or low.lstrip().startswith(_WITHIN_OPENERS)
    keyed = lowered(text)
    return bool((within and any(may_match(keys, keyed) and rx.search(text) for rx, keys in _CAPTION_WITHIN))
                or (may_match(_PLACED_KEYS, keyed) and _PLACED.search(text))
                or (may_match(_CREDIT_END_KEYS, keyed) and _CREDIT_END.search(text)) or _is_caption(text, len(text.split()), keyed))


_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# verbs that attribute what the line says: reporting in the present ("the ministry says Monday"), not a caption
_ATTRIBUTING = frozenset("say tell accord announce report claim confirm state write add insist deny note explain quote".split())
CAPTION_WORDS = 30  # a caption written as a headline is one short line


def headline_caption(line) -> bool:
    """A parsed line (a spaCy span that is a whole paragraph, one sentence) that is a photo or video caption written
    as a headline: the main verb in the present ("Some of the villagers go home Thursday after …", "Ann Lee speaks
    Monday in Rome"), a weekday, no attribution and no quote. Reporting tells a weekday's events in the past; its
    wording alone cannot show the tense, hence the parse (`nlp.sentences` asks this of each such line)."""
    text = line.text
    if any(m in text for m in '"“”') or "(@" in text or text.rstrip().endswith("?"):
        return False  # a quote, an embedded post (its author's statement) or a question
    low = text.lower()
    if not any(w in low for w in _WEEKDAYS):
        return False  # no weekday token (each token's lower-cased text is part of the line's): the parse is not read
    root = line.root  # (the verb first: most lines fail there, before their tokens are read)
    if root.tag_ not in ("VBZ", "VBP") or root.lemma_ in ("be", "have"):
        return False  # past reporting; "is to open on Sunday", "has been moved" are no caption's grammar
    toks = [t for t in line if not (t.is_punct or t.is_space)]
    if not toks or len(toks) > CAPTION_WORDS:
        return False
    # the weekday dates the main verb itself ("go free Thursday", "speaks on Monday"), not a clause under it
    # ("114 pupils remain captives after 16 were freed on Friday" is a state reported now)
    weekday = any(t.lower_ in _WEEKDAYS and _dates_the_verb(t, root) for t in toks)
    return weekday and not any(t.lemma_ in _ATTRIBUTING for t in toks)


def _dates_the_verb(tok, root) -> bool:
    """Does the weekday `tok` hang from `root` with no other verb between (a clause's verb dates its own event)?
    (spaCy makes a new Token at each access: tokens compare by index.)"""
    while tok.i != root.i and tok.head.i != tok.i:
        tok = tok.head
        if tok.i != root.i and tok.pos_ in ("VERB", "AUX"):
            return False
    return tok.i == root.i
