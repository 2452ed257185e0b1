"""Personal data never leaves the importers.

Three rules keep it in:

- columns that hold people or their contact details (reporter names, staff, emails, phones,
  home addresses) are dropped by name (:func:`is_personal_column`);
- free text (titles, details, notes, names of assets, category and status texts) is
  scrubbed (:func:`redact`, :func:`redact_series`): emails (also when written "jo at example
  dot com", "john dot smith at gmail dot com", "jo.bloggs at gmail.com", "jo . bloggs @
  gmail . com"), UK phone numbers, full postcodes, home addresses (a house number and a
  street) and people's names where the text says that a name follows ("reported by Jane
  Doe", "Email from Jane Doe", "Dear Mr Jones", "Regards, Jo") become ``[email removed]``,
  ``[phone removed]``,
  ``[postcode removed]``, ``[address removed]`` and ``[name removed]``; vehicle
  registrations ("AB12 CDE", "A123 BCD", "ABC 123D" in capitals; in small letters, and
  dateless ones such as "1234 AB", after "reg", "VRM", "plate"), phone numbers without
  their 0 after "call", "ring", "tel"..., National Insurance numbers (in small letters after
  "NI" or with a prefix HMRC gives) and dates after "DOB", "date of birth" or "born" become
  ``[registration removed]``, ``[phone removed]``, ``[NI number removed]`` and ``[date of
  birth removed]``;
- the names a row's person columns hold (:func:`is_person_column`: "User Name",
  "requestor_name", "Staff User"...) are removed from that row's text (:func:`remove_names`);
- a value that should be a date, a number, a coordinate or a code but is not one is shown
  (in a rejected row's account) without any word that may be a name (:func:`scrub_value`):
  a name written there has no cue before it.

Public places and organisations are not personal data: "Leyland United Football Club",
"St Mary's Church Hall", "The Red Lion" and "bins overflowing on Church Road" stay as
written. A street is an address only with a house number in front of it, and a name is
a name only after a cue; a venue's address or telephone number in an asset file never
cuts words out of the asset's name.

Cues differ in how sure they are. After one that says a name follows ("reported by", "on
behalf of", "my name is", "Name:", "From:", "Dear", "Hi", "Hi, this is", "Regards,", and
"Thanks", "Love,", "KR" ending its line; "closed by", "fixed by", "resolved by" and the like,
as a status says who closed a report),
one or two words in small letters or capitals are a name too ("reported by jane doe",
"REPORTED BY JANE DOE"), unless they are ordinary words ("reported by a neighbour",
"REPORTED BY PHONE", "Closed by System", "fixed by replacing the lamp") or describe what
follows ("reported by wheelchair users"). A capitalised name between a word that says to
phone and "on" or "at" goes too ("ring Jane Doe on ..."; "call Highways on ..." stays). A plain
"from" says less ("from Chorley", "from Asda", "from the bins"): only two or three
capitalised words after it are a name ("Email from Jane Doe"), when none of them is part
of a place's, a service's or a shop's name ("from Leyland Town Council", "from Royal Mail",
"Litter from Burger King") and the text is not a title in Title Case ("Water Leaking from
Broken Hydrant"), nor does the first end like a place's ("from Sutton Wick"). So a single
name after "from" ("from Jane"), a name in small letters or capitals after "from" or "I
am", and a first name with a place's ending ("from Clayton Smith") are kept, and a place
named like a person after "from" ("from Charnock Richard") is removed. A name signing a line after a
dash or a tilde ("Bins full - Jane Doe", "~ Jane"; "Bins - Chorley Road" stays), and after a
dash a given name alone, with a surname, or a surname after an initial, and initials
("Bins - Jane", "- Jane Hill", "- J. Hill", "- J.H."; "Potholes - Victoria" and "Litter -
George Street" stay), before a role in brackets ("Jane Doe (resident)"), in small letters
between "contact" and "on" ("contact jane on ..."), initials after a sign-off ("regards
JD"), and every name joined by
"and" or "&" after a relation, "by" or "on behalf of" ("my neighbours Jane and Tom Doe") go
too. With "at" written as a
word before real dots, an address is an email unless the word before "at" is an ordinary one
("details at lancashire.gov.uk", "Report it at Chorley.gov.uk" stay; "zq at example.co.uk",
"jo.bloggs at example.com", "info at gmail.com" go). An "@" may be full-width ("＠") or
escaped ("%40"), and may have a space before the dot ("jo@example .com").

Every pattern is linear in the length of the text: no unbounded quantifier can give back
what it took to a neighbouring one (they are possessive or bounded, and look-behinds check
where a match may start). Each pattern begins with one character or a small set of them,
so that the engine skips at once over text where no match can start, or (emails,
postcodes) is tried only where a rarer part of it shows that one may (an "@" or an "at",
a digit after a letter); and a pattern is not run at all over text that lacks its anchor
(an "@", a digit, a cue word); after a cue, three words at most are read, and a match
found from its rarer part (a phone number's figures, initials) looks back for its cue over
40 characters at most. A column is
scrubbed in one pass over its distinct cells joined together: 250,000 report titles take a
second or two, a 20 MB cell a few seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "ADDRESS_MARK",
    "BIRTH_DATE_MARK",
    "EMAIL_MARK",
    "NAME_MARK",
    "NI_NUMBER_MARK",
    "NOT_NAMES",
    "PHONE_MARK",
    "POSTCODE_MARK",
    "REGISTRATION_MARK",
    "TEXT_MARK",
    "cut_names",
    "is_person_column",
    "is_personal_column",
    "names_remover",
    "person_columns",
    "plain_ids",
    "quoted",
    "redact",
    "redact_series",
    "remove_names",
    "scrub_value",
    "scrub_values",
]

EMAIL_MARK = "[email removed]"
PHONE_MARK = "[phone removed]"
NAME_MARK = "[name removed]"
ADDRESS_MARK = "[address removed]"
POSTCODE_MARK = "[postcode removed]"
REGISTRATION_MARK = "[registration removed]"
NI_NUMBER_MARK = "[NI number removed]"
BIRTH_DATE_MARK = "[date of birth removed]"
TEXT_MARK = "[text removed]"
#: Values of a name column that are not names.
NOT_NAMES = frozenset({"anonymous", "(anonymous)", "anon", "n/a", "none", "unknown", "-"})

# --- columns -------------------------------------------------------------------------------

# Who did something to a row: "Logged By", "Reported_By", "Assigned To" (never "Logged On").
_BY_WHOM = (
    r"(?:added|recorded|submitted|logged|reported|raised|created|requested|entered|opened|"
    r"closed|completed|inspected|updated|modified|edited|taken|called|sent) ?by|assigned ?to"
)
# Columns holding people or their contact details, never read...
_PERSONAL_COLUMN = re.compile(
    r"(^|[^a-z])(user ?name|username|name of reporter|reporter|requestor|requester|"
    r"staff|officer|e-?mail|phone|telephone|tel|mobile|mob|contact|volunteer|author|"
    r"first ?name|fore ?name|surname|last ?name|full ?name|owner|landowner|"
    r"date of birth|dob|vehicle ?reg|reg ?no|number ?plate|vrm|"
    rf"address|address line|house ?number|house ?no|home|{_BY_WHOM})([^a-z]|$)",
    re.IGNORECASE,
)
# ...and, among them, those naming a person (their values are cut out of the row's text)...
_PERSON_COLUMN = re.compile(
    r"(^|[^a-z])(user ?name|username|name of reporter|reporter|requestor|requester|"
    r"staff|officer|volunteer|author|first ?name|fore ?name|surname|last ?name|full ?name|"
    r"contact|contact ?name|customer|customer ?name|caller|complainant|enquirer|applicant|"
    rf"resident ?name|residents ?name|{_BY_WHOM})([^a-z]|$)",
    re.IGNORECASE,
)
# ...unless they hold a contact detail, a place or a fact about the person rather than the
# name ("Reporter Email", "Customer Type", "Contact Method").
_CONTACT_DETAIL = re.compile(
    r"(^|[^a-z])(e-?mail|phone|telephone|tel|mobile|fax|number|no|id|ref|reference|address|"
    r"post ?code|website|web|url|town|city|type|method|channel|preference|date|time|count|"
    r"code|category|status)([^a-z]|$)",
    re.IGNORECASE,
)


def is_personal_column(name: str) -> bool:
    """True for a column name that holds people or their contact details.

    Such columns are never read into a layer.

    >>> is_personal_column("User Name"), is_personal_column("Staff User")
    (True, True)
    >>> is_personal_column("Logged By"), is_personal_column("Caller")
    (True, True)
    >>> is_personal_column("Category"), is_personal_column("Logged On")
    (False, False)

    Every column that names a person (:func:`is_person_column`) is one. So is "Owner": an
    asset's owner is often an organisation, but may be a private landowner, and no role
    reads it; its values are not cut out of the row's text, though ("Leyland Town Council").
    """
    text = name.replace("_", " ")
    return bool(_PERSONAL_COLUMN.search(text)) or is_person_column(name)


def is_person_column(name: str) -> bool:
    """True for a column name that holds the name of a person.

    Only these columns' values are cut out of a row's text by :func:`remove_names`: a
    venue's address, postcode, website or telephone number (in an asset file) is not a
    person, and the town in an address is part of many public names.

    >>> is_person_column("User Name"), is_person_column("requestor_name")
    (True, True)
    >>> is_person_column("Reporter Email"), is_person_column("Address")
    (False, False)
    """
    text = name.replace("_", " ")
    return bool(_PERSON_COLUMN.search(text)) and not _CONTACT_DETAIL.search(text)


def person_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``frame`` that name persons (see :func:`is_person_column`)."""
    return frame[[c for c in frame.columns if isinstance(c, str) and is_person_column(c)]]


# --- free text -----------------------------------------------------------------------------

# Capital and small letters (Latin-1 included: "Zoë", "José").
_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
# One word of a name written with a capital: "Jane", "O'Brien", "McDonald", "Smith-Jones"
# (never "OK", "bins").
_NAME_WORD = (
    rf"[{_UP}](?:['’][{_UP}])?[{_LOW}]++(?:[{_UP}][{_LOW}]++)?(?:-[{_UP}][{_LOW}]++)?(?![\w-])"
)
# One word in any case: "jane", "JANE", "O'Brien", "smith-jones"; "Jane's" is "Jane".
_ANY_WORD = rf"[{_UP}{_LOW}](?:['’][{_UP}{_LOW}])?+[{_UP}{_LOW}]*+(?:-[{_UP}{_LOW}]++)*+(?![\w-])"
_TITLES = (
    "Mrs",
    "Mr",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Prof",
    "Cllr",
    "Councillor",
    "Reverend",
    "Revd",
    "Rev",
    "Sergeant",
    "Sgt",
    "PCSO",
    "PC",
    "Inspector",
    "Insp",
)
_TITLE = rf"(?:{'|'.join(_TITLES)})\.?+"
_INITIAL = rf"[{_UP}]\.?+[ \t]++"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that are not names although capitalised, and end a name ("reported by Jane On
# Monday" keeps "On Monday").
_COMMON_WORDS = _word_set(
    """A An The And Or But If So As At By For From In Into Of On Onto To With Without Near Next
    Opposite Outside Behind Again Also All Any Anyone Anybody Everyone Everybody Nobody Someone
    Somebody Each Every Both Either Neither Some No Not Nothing Yes Please Thanks Thank Regards
    Cheers Dear Hi Hello Sir Sirs Madam Team Colleagues There Here This That These Those It Its
    Me My We Our Us You Your They Their Them He His Him She Her Who What When Where Why How
    Which Today Tonight Tomorrow Yesterday Morning Afternoon Evening Night Week Weekend Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur Thurs Fri Sat
    Sun January February March April May June July August September October November December
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Very Just Still Really Sorry Sure Fed Sick
    Happy Unhappy Disgusted Appalled Concerned Worried Writing Reporting Afraid Getting Going
    Trying Told Aware Glad Pleased Grateful Tired Disabled Elderly Retired Unable Able Waiting
    Contacting Asking Emailing Calling Ringing Living Resident Neighbour Neighbours
    Local Public Anonymous Customer Customers Councillor Cllr Officer Officers Staff Police
    Admin Enquiries Reception Manager Management Owner Owners Landlord Tenant Tenants Email
    Phone Mobile Tel Ref Report Reported Update Note Notes Photo Photos Picture Pictures See
    Attached Dog Dogs Bin Bins Litter Rubbish Waste Fly Graffiti Pothole Potholes Car Cars Van
    Vans Lorry Lorries Bus Buses Traffic Parking Speeding Drivers Walkers Kids Children Youths
    Students Pupils Parents People Members Volunteers Workers Contractors Cleaners Crew Crews
    Ongoing Now Then Later Soon Once Twice Many Much More Most Less Few Several Other
    Others Another Same New Old Sent Kind Best Signed Yours Says Said Rang Called Phoned
    Reports Wants Asked Asks Details Detail Info Information Number Numbers Form Forms Page
    Method Type Preference Name Names Off Up Out Over Year Years Class Sons Partners"""
)
# Words of place and organisation names: a "name" followed by one is a place ("reported by
# Preston Road Surgery", "Thanks, Leyland United").
_PLACE_WORDS = _word_set(
    """Road Rd Street St Lane Ln Avenue Ave Close Drive Way Crescent Cres Court Grove Gardens
    Gdns Place Terrace Square Mews View Walk Row Hill Rise Parade Green Brow Fold Croft Meadow
    Meadows Bank Vale Chase Gate Grange Boulevard Highway Bypass Bridge Brook River Canal Wood
    Woods Park Field Fields Common Moor Heath Estate Village Town City Centre Center Market
    Mall Arcade Precinct Shopping Retail Station Depot Stop Library Museum Gallery Theatre
    Cinema Church Chapel Cathedral Abbey Priory Mosque Temple Synagogue Gurdwara Hall Hut
    Pavilion Club Football Cricket Rugby Tennis Bowling Golf Rovers Athletic Athletics United
    Wanderers Academy School College University Nursery Primary Secondary High Grammar Infants
    Juniors Surgery Practice Medical Health Hospital Clinic Pharmacy Chemist Chemists Dental
    Dentist Dentists Vets Veterinary Care Home Homes House Lodge Cottage Cottages Farm Mill
    Works Yard Garage Garages Inn Arms Hotel Tavern Pub Bar Cafe Café Restaurant Takeaway
    Bakery Butchers Shop Shops Store Stores Supermarket Council Borough County Parish Fire
    Ambulance Service Services Trust Group Association Society Partnership Foundation Charity
    Network Ltd Limited Plc Company Co Post Office Offices Leisure Sports Pool Baths Gym
    Playground Play Allotment Allotments Cemetery Crematorium Recreation Ground Grounds
    Memorial Community Youth Scouts Guides Brownies Legion Institute Rooms Residents Tesco
    Asda Aldi Lidl Morrisons Sainsbury Sainsburys Greggs Costa Boots Openreach Biffa Veolia
    Amey Serco Highways Utilities Rail Railway Airport Harbour Marina Pier Beach Promenade
    Reservoir Lake Pond Forest Nature Reserve Trail Quay Wharf Dock Docks Industrial
    Business Enterprise Trading Motors Autos Tyres Hub Point World"""
)
_NOT_NAME_WORDS = _COMMON_WORDS | _PLACE_WORDS
# Months that are given names too ("reported by May Ellis", "Dear June,", "Jan Kowalski"):
# after a cue that says a name follows, one is a name unless a number follows ("by May 5").
_GIVEN_MONTHS = _word_set("April May June August Jan")
# Place words that are common surnames ("Jane Hill", "John Green", "Mrs Wood"): after a
# title, or after one given name and a cue that says a name follows, one ends the name.
_SURNAME_PLACES = _word_set(
    """Hill Hills Green Greenwood Wood Woods Park Parks Field Fields Bank Banks Church Chapel
    Hall House Lodge Mill Mills Brook Brooks Moor Heath Vale Gate Croft Grove Lane Bridge
    Street Chase Wall Cross King North West Little Love Day Marsh"""
)
_NUMBER_AHEAD = re.compile(r"[ \t,]*+(?:\d|of(?!\w))")
# People and groups: a word in small letters or capitals before one of them describes it
# ("reported by wheelchair users"), as a place word after a name makes it a place.
_GROUP_NOUNS = _word_set(
    """neighbour neighbours neighbor neighbors resident residents local locals villager
    villagers member members public people person persons folk man men woman women lady ladies
    gent gents gentleman gentlemen guy lad boy boys girl girls kid kids child children youth
    youths teen teens teenager teenagers family families friend friends mum mums dad dads
    mother father parent parents wife husband partner son sons daughter daughters brother
    sister grandson granddaughter grandparents nan grandma grandad colleague colleagues staff
    team teams crew crews worker workers workman workmen contractor contractors cleaner
    cleaners collector collectors builder builders owner owners landlord landlords tenant
    tenants occupier occupiers driver drivers motorist motorists cyclist cyclists rider riders
    pedestrian pedestrians walker walkers jogger joggers runner runners user users visitor
    visitors shopper shoppers customer customers commuter commuters passenger passengers
    passerby passersby passer passers pupil pupils student students teacher teachers
    headteacher volunteer volunteers councillor councillors cllr officer officers warden
    wardens pcso pcsos police council councils committee group groups club clubs society
    association community charity parish ward authority highways agency department operator
    operators engineer engineers inspector inspectors surveyor surveyors manager managers
    caretaker caretakers gardener gardeners"""
)
# Words in small letters or capitals that are not names ("reported by a neighbour",
# "REPORTED BY PHONE", "Regards, the parks team"), besides the words above in any case.
_ORDINARY_WORDS = _word_set(
    """a an the this that these those my our your his her their its me us him them it i we
    you they she he who whom whose which what whoever whatever someone somebody something
    anyone anybody anything everyone everybody everything nobody nothing none no not all any
    some each every both either neither several many much more most few lots lot loads plenty
    various multiple numerous another other others same such own one two three four five six
    seven eight nine ten dozens hundreds and or but nor so yet as at by for from in into of on
    onto to with without via about above after against along among around before behind below
    beside besides between beyond during except inside near nearby next off opposite out
    outside over past per since than through throughout till until up upon within across
    towards toward while whilst when where whenever because although though if unless whether
    then is are was were be been being am has have had having do does did done will would
    shall should can could may might must says said say saying tells asks again also too twice
    once already recently previously earlier later today yesterday tonight tomorrow now here
    there just only even still ever never always often sometimes repeatedly regularly daily
    weekly last first morning afternoon evening night week month year years ago soon myself
    yourself himself herself themselves ourselves itself yours mine ours theirs phone
    telephone call calls email emails e-mail mail post letter letters text texts message
    messages app website web online internet form portal cctv camera cameras drone dashcam
    photo photos video videos footage report reports fixmystreet hand chance accident mistake
    error withheld unknown anonymous redacted private confidential hi hey hello hiya oh ok
    okay yes please mate mates sir madam folks guys lads help urgent sorted fixed resolved
    completed cleared appreciated walking driving cycling running jogging passing going coming
    leaving cleaning working doing"""
)
_LOOSE_NOT_NAMES = (
    frozenset(word.casefold() for word in _NOT_NAME_WORDS) | _ORDINARY_WORDS | _GROUP_NOUNS
)
_LOOSE_PLACES = frozenset(word.casefold() for word in _PLACE_WORDS) | _GROUP_NOUNS
# After a plain "from" (a weak cue: "from Chorley", "from Asda"), two capitalised words are
# a name only if neither is a word above nor one of these: parts of place names, services,
# things in the street, shops, devices and days that reports say something came "from"
# ("from Preston North End", "from Royal Mail", "Leaking from Drain Cover", "Litter from
# Burger King", "Sent from Samsung Galaxy", "from Boxing Day").
_FROM_PUBLIC = _word_set(
    """North South East West Northern Southern Eastern Western Upper Lower Great Little
    Central Royal British English National International Regional End Side Cross Corner
    Junction Roundabout Island Valley Springs Spring Parkway Flats Tower Towers Heights Quarter
    Gateway Crossing Lights Subway Underpass Footbridge Footpath Path Pavement Verge Kerb Drain
    Drains Cover Gully Manhole Grid Lamp Column Pole Sign Signs Tree Trees Hedge Hedges Wall
    Fence Gutter Pipe Main Mains Sewer Water Gas Electric Electricity Energy Power Media
    Telecom Mail Agency Constabulary Authority Department Dept Ministry Government Desk
    Helpdesk Support Advice Concern Maintenance Planning Licensing Enforcement Environmental
    Environment Housing Lighting Drainage Cleansing Building Control Parks Streets Roads Lanes
    Love Clean Bereavement Cemeteries Bargains Foods Food Pizza Burger King Kebab Chicken Fried
    Chippy Chip Fish Coffee Express Extra Metro Direct Solutions Marketplace Maps Google
    Facebook Twitter Instagram Nextdoor News Guardian Times Radio Samsung Galaxy Huawei Android
    Apple Microsoft Windows Outlook Yahoo Gmail Hotmail Pixel Day Christmas Easter Eve Boxing
    Holiday Holidays Half Term Bonfire"""
)
# Endings of English place names: after a plain "from", a first word ending so names a
# place ("from Sutton Wick", "from Stanton Drew", "from Milton Keynes"); few given names do
# ("Clayton", "Clifford").
_PLACE_ENDINGS = tuple(
    sorted(
        _word_set(
            """ton wick worth bury borough stead thorpe mouth minster chester caster cester
            field ford"""
        )
    )
)
# What may follow a name in a greeting or a sign-off: the end of a line or of the text,
# punctuation, a number or a mark ("Regards, Jo [phone removed]").
_NAME_ENDS = re.compile(r"[ \t]*+(?:$|[\r\n.,!?;:()\[\]<>+\d/|\x00–—-])")
_FOLLOWING_WORD = re.compile(r"[ \t]*+(?:['’]s[ \t]++)?(\w+)")

# UK streets: a house number and one to three capitalised words before one of these.
_STREETS = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Cres|Court|Ct|Grove|"
    "Gardens|Gdns|Place|Pl|Terrace|Terr|Square|Sq|Mews|View|Walk|Row|Hill|Rise|Parade|Green|"
    "Brow|Fold|Croft|Meadows?|Bank|Vale|Chase|Gate|Grange|Boulevard|Approach|Wynd"
)
_MONTHS_DAYS = (
    "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|January|February|March|April|June|July|"
    "August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|"
    "Saturday|Sunday"
)


def _words(words: tuple[str, ...], *, not_after: str = r"\w") -> str:
    """A pattern for any of ``words`` (case ignored), not right after a character of the set
    ``not_after``, and not followed by a letter.

    Each word is a regular expression starting with a plain letter. The pattern begins with
    the set of those first letters, so that the engine skips at once to the places where a
    word may start (a pattern starting with a look-behind or an alternation is tried at
    every character, several times slower).
    """
    firsts = sorted({word[0].lower() for word in words})
    letters = "".join(first + first.upper() for first in firsts)
    branches = "|".join(f"(?<={word[0]}){word[1:]}" for word in words)
    return rf"[{letters}](?<![{not_after}].)(?i:{branches})(?!\w)"


_HOUSE_NUMBER = r"\d(?<![\w/.,:£$#-].)\d{0,3}[A-Za-z]?+(?:[ \t]*+[-–][ \t]*+\d{1,4}[A-Za-z]?+)?+"
# A street of one word that ends as streets do: Broadway, Kingsway, Fishergate, Parkside.
_ONE_WORD_STREET = r"[A-Z][a-z]++(?:(?<=[a-z]{3}way)|(?<=[a-z]{3}gate)|(?<=[a-z]{3}side))"
_ADDRESS = re.compile(
    rf"{_HOUSE_NUMBER},?+[ \t]++"
    rf"(?:(?:(?!(?:{_MONTHS_DAYS})\b)[A-Z][A-Za-z'’.-]*+[ \t]++){{1,3}}(?i:{_STREETS})"
    r"|[a-z]{3,}+[ \t]++(?:road|street|avenue|crescent|terrace|gardens|grove)"
    rf"|{_ONE_WORD_STREET})\b"
)
# "Flat 3, [address removed]": the flat goes with the address.
_FLAT = re.compile(
    _words(("flat", "apartment", "apt", "unit"))
    + rf"\.?+[ \t]*+\d{{1,4}}[A-Za-z]?+,?+[ \t]++{re.escape(ADDRESS_MARK)}"
)
# A full postcode ("PR7 1AA", "pr71aa"); ordinals such as "M6 2nd" are not postcodes.
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]{0,2}(?!1st|2nd|3rd|[04-9]th)"
    r"\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}(?![A-Za-z0-9])"
)

# Emails: jo@example.com; jo [at] example [dot] co [dot] uk; jo(at)example(dot)com;
# JOHN.SMITH AT EXAMPLE DOT COM; john dot smith at gmail dot com; jo . bloggs @ gmail . com.
# With "at" written as a word and real dots ("jo.bloggs at gmail.com"), the address must
# look like one (see :func:`_email_replacer`): "leaflets at www.chorley.gov.uk" and "details
# at lancashire.gov.uk" are web addresses, not emails.
_LOCAL_WORD = r"[\w.+'’-]++"
_LABEL = r"[\w-]++"
_AT_BRACKET = r"[ \t]*+[\[(<{][ \t]*+(?i:at)[ \t]*+[\])>}][ \t]*+"
_AT_WORD = r"[ \t]++(?i:at)[ \t]++"
_DOT_WORD = r"(?:[ \t]*+[\[(<{][ \t]*+(?i:dot)[ \t]*+[\])>}][ \t]*+|[ \t]++(?i:dot)[ \t]++)"
# A dot with a space on both sides ("gmail . com"; never the end of a sentence).
_SPACED_DOT = r"[ \t]++\.[ \t]++"
_DOT = rf"(?:\.|{_DOT_WORD}|{_SPACED_DOT})"
# After an "@", also a dot with a space before it only, before a small letter ("jo@example
# .com"; not "me @ home .It is"), or a full-width one.
_AT_DOT = rf"(?:{_DOT}|[ \t]++\.(?=[a-z])|．)"
# An "@", full-width ("jo＠example.com"), small, or escaped in a web address ("jo%40...").
_AT_SIGNS = ("@", "＠", "﹫", "%40")
_AT_SIGN = r"(?:[@＠﹫]|%40)"
# The name before the "@" or "at", its dots perhaps written out or spaced ("john dot smith").
_LOCAL = rf"(?<![\w.+'’-])(?P<local>{_LOCAL_WORD}(?:(?:{_DOT_WORD}|{_SPACED_DOT}){_LOCAL_WORD})*+)"
_TLD = (
    r"(?i:com|org|net|uk|co|gov|ac|nhs|sch|police|ltd|plc|edu|info|biz|io|me|eu|ie|de|fr|es|"
    r"it|nl|us|ca|au|nz|in|email|online|scot|wales|cymru|london|tv|app|dev)(?![\w-])"
)
_EMAIL = re.compile(
    rf"{_LOCAL}(?:"
    rf"{_AT_SIGN}{_LABEL}(?:[.．]{_LABEL})++"
    rf"|(?:[ \t]?+{_AT_SIGN}[ \t]?+|{_AT_BRACKET})"
    rf"{_LABEL}(?:{_AT_DOT}{_LABEL}(?={_AT_DOT}))*+{_AT_DOT}{_TLD}"
    rf"|{_AT_WORD}(?:{_LABEL}(?:{_DOT_WORD}{_LABEL}(?={_DOT_WORD}))*+{_DOT_WORD}{_TLD}"
    rf"|(?P<domain>{_LABEL}(?:\.{_LABEL}(?=\.))*+\.{_TLD})))"
)
# Mail services whose addresses are people's own ("jo at gmail.com").
_MAIL_HOSTS = _word_set(
    """gmail googlemail hotmail outlook live msn yahoo ymail aol icloud me mac btinternet
    btopenworld sky talktalk virginmedia ntlworld blueyonder tiscali protonmail gmx"""
)
# The name of an address rather than a word: "jo.bloggs", "jo_b", "jo1", "john dot smith".
_ADDRESS_LIKE = re.compile(
    r"[^\W_][._+][^\W_]|[^\W\d_]\d|\d[^\W\d_]|[ \t](?i:dot)[ \t]|[\])>}]|[ \t]\.[ \t]"
)
# UK numbers: 07700 900123, 01257 515151, +44 7700 900123, (01257) 515 151, 0800 123 4567,
# +44-7700-900123, +44.7700.900123, 0044-7700-900123, +44 (0)1772-123456, (0)1772 123456.
# A number is never after a letter, a digit or a slash, nor part of a reference or a decimal
# ("CRM-0123456789", "A1-01234567890", "-2.0123456789"), nor the figures of a grid
# reference after its square ("SD 01234 56789": the squares of Great Britain's land but
# "NO" and "SO", more often words); its area code never starts with 0 ("00123456789").
_GRID_SQUARE = r"\b(?:H[PTUW-Z]|N[A-DF-HJ-NR-UW-Z]|S[CDEHJKMNPR-Z]|T[AFGLMQRV])[ \t]"
_PHONE = re.compile(
    rf"[+0(](?<![\w/].)(?<![A-Z\d]-.)(?<!\d\..)(?<!{_GRID_SQUARE}.)"
    r"(?:(?:(?<=\+)|(?<=0)0)44[\s.-]*+(?:\(?0\)?[\s.-]*+)?+|(?<=\()0(?:\)[\s.-]*+)?+|(?<=0))"
    r"[1-9]\d{1,3}\)?(?:[\s.-]{0,2}\d){6,8}(?![\w/])"
)


def _after_cue(mark: str) -> Callable[[re.Match[str]], str]:
    """A replacement keeping the cue (the text before the group ``value``) and putting
    ``mark`` in place of the value."""

    def replace(match: re.Match[str]) -> str:
        return match.string[match.start() : match.start("value")] + mark

    return replace


# A phone number written without its leading 0, after a word that says one follows ("call
# 7700 900123", "tel: 1772 123456", "ring me on 7700900123", "WhatsApp 7700 900 123"): ten
# figures, the first 1, 2, 3, 7 or 8 ("call 101", "ring 999", "phone 2024" stay).
# Found from its first figure (rarer than the letters of the cue), the cue checked before it
# (:func:`_cued`).
_PHONE_WITHOUT_0 = re.compile(r"[1-378](?<![\w/+.-].)(?:[ \t.-]?+\d){9}(?![\w/])")
_PHONE_CUE = re.compile(
    _words(
        ("call", "ring", "tel", "telephone", "phone", "mob", "mobile", "text", "whatsapp"),
        not_after=r"\w",
    )
    + r"\.?+(?:[ \t]++(?i:me|us|him|her|them))?+(?:[ \t]++(?i:on|at))?+[ \t]*+[:.-]?+[ \t]*+$"
)
# Vehicle registrations: a current one ("AB12 CDE", "AB12CDE") anywhere, written in capitals
# (its letters never I, Q or Z in front, nor I or Q behind); an older one ("A123 BCD", "ABC
# 123D": its year's letter never I, O, Q, U or Z, its three letters never I, Q or Z) in
# capitals anywhere too, unless its three letters are a word or an abbreviation ("A6 AND",
# "M6 JCT 28", "TRO 123A", "HGV 18T"); after a cue ("reg", "VRM:", "registration", "number
# plate", "plate"), also in small letters or spaced ("AB 12 CDE", "a123 bcd"), and a
# dateless one ("1234 AB", "AB 1234", "ABC 1": after a cue only, as speeds, times, grid
# references and bus routes are written so: "20 MPH", "SD 1234"), unless its letters are a
# word ("registration A6 and M6 signs", "plate 1 of 3"). A registration names the keeper to
# the DVLA.
_REGISTRATION = re.compile(
    r"[A-HJ-PR-Y](?<![A-Za-z0-9].)[A-HJ-PR-Y]\d{2}[ \t]?+[A-HJ-PR-Z]{3}(?![A-Za-z0-9])"
)
_OLDER_REGISTRATION = re.compile(
    r"[A-HJ-PR-Y](?<![A-Za-z0-9].)"
    r"(?:(?<=[A-HJ-NP-TV-Y])\d{1,3}[ \t]?+[A-HJ-PR-Y]{3}"
    r"|[A-HJ-PR-Y]{2}[ \t]?+\d{1,3}[A-HJ-NP-TV-Y])"
    r"(?![A-Za-z0-9])"
)
_REGISTRATION_CUE = re.compile(
    _words(
        (
            r"reg(?:istration)?+(?:[ \t]++(?:no|number|mark|plate))?+",
            "vrm",
            r"number[ \t]++plate",
            "plate",
        )
    )
    + r"\.?+[ \t]*+(?i:is[ \t]++)?+[:#.-]?+[ \t]*+"
    r"(?P<value>(?P<current>(?i:[a-z]{2}[ \t]?+\d{2}[ \t]?+[a-z]{3}))"
    r"|(?i:[a-z][ \t]?+\d{1,3}[ \t]?+[a-z]{3}|[a-z]{3}[ \t]?+\d{1,3}[ \t]?+[a-z]"
    r"|[a-z]{2,3}+[ \t]?+\d{1,4}+(?![ \t]*+\d)|\d{1,4}+[ \t]?+[a-z]{2,3}+))(?![A-Za-z0-9])"
)
# Words and abbreviations whose letters a registration's may be: after a road number, a
# paper size or a car's model ("A6 AND", "M6 JCT", "A59 RBT", "A4 PDF", "X5 SUV"), before a
# number ("TRO 123A", "BAY 12A", "HGV 18T", "BMW 320D", "GBP 100K"), or its unit ("20 mph",
# "2 of 3", "12 pm").
_NOT_REGISTRATION_LETTERS = frozenset(
    word.casefold()
    for word in _word_set(
        """THE AND FOR ARE BUT NOT YOU ALL ANY CAN HAD HER WAS ONE OUR OUT DAY GET HAS HIM HOW
        MAN NEW NOW OLD SEE TWO WAY WHO BOY DID LET PUT SAY SHE TOO USE DAD MUM YES YET AGO
        OFF OWN FEW LOT BAD BIG END FAR RED LAY LED RAN RUN SAT SET TOP TRY WET DRY HOT CUT
        VIA PER NOR ETC APP WEB BOX BAG BIN BUS CAR CAB VAN TAX ROW PAY FEE AGE ASK BED SON
        MAY JAN FEB MAR APR JUN JUL AUG SEP OCT NOV DEC MON TUE WED THU FRI SUN JCT JNC RBT
        RAB NSL HGV LGV PSV TRO TPO PCN FPN REF NOS APT BAY CAM RDS AVE LNE STR GRN MOT NAV
        ATM LCC CBC BBC NHS OPP RTE STN SCH PKG LHS RHS FLT GRP CAT MPH KPH YDS MIN SEC HRS
        AM PM OF IN ON AT TO BY IS IT AN AS BE DO GO HE ME MY NO OR SO UP US WE OK MM CM KM
        KG MI FT PDF PNG JPG GIF SVG CSV DOC XLS TXT KML KMZ GPX RTF MAP BLK FLR GBP EUR USD
        FUN BMW DAF SUV MPV"""
    )
)


def _registration_letters_a_word(value: str) -> bool:
    """Whether the letters of a registration's form ("A6 AND", "2 of") are a word."""
    return any(
        len(letters) > 1 and letters.casefold() in _NOT_REGISTRATION_LETTERS
        for letters in re.findall(r"[A-Za-z]++", value)
    )


def _older_registration_replacer(match: re.Match[str]) -> str:
    """``[registration removed]``, unless the letters are a word ("A6 AND", "TRO 123A")."""
    if _registration_letters_a_word(match.group(0)):
        return match.group(0)
    return REGISTRATION_MARK


def _registration_after_cue(match: re.Match[str]) -> str:
    """The cue and ``[registration removed]``, unless an older or a dateless form's letters
    are a word ("registration A6 and M6 signs", "plate 1 of 3")."""
    if match.group("current") is None and _registration_letters_a_word(match.group("value")):
        return match.group(0)
    return match.string[match.start() : match.start("value")] + REGISTRATION_MARK


# National Insurance numbers: "QQ123456C", "QQ 12 34 56 C" in capitals (a grid reference
# "SD 123456" has no pairs and no letter after its figures); in small letters ("ab123456c",
# "ab 12 34 56 c") after a cue ("NI", "NINO", "national insurance") or with a prefix that
# HMRC gives (its first letter never D, F, I, Q, U or V, its second never D, F, I, O, Q, U
# or V, nor BG, GB, KN, NK, NT, TN or ZZ) and, written in pairs, a prefix that is no word
# ("at 12 34 56 a"). Found from the first figure after the letters (:func:`_ni_starts`).
_NI_NUMBER = re.compile(
    r"[A-Za-z](?<![A-Za-z0-9].)[A-Za-z](?:\d{6}|[ \t]?+\d{2}[ \t]\d{2}[ \t]\d{2}[ \t]?+)"
    r"[A-Da-d](?![A-Za-z0-9])"
)
_NI_PREFIX = re.compile(r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]")
_NI_PREFIX_WORDS = _word_set("am an as at be by he me my oh ok on or we")
_NI_CUE = re.compile(
    _words(("ni", r"n\.i", "nino", r"national[ \t]++insurance"))
    + r"\.?+(?:[ \t]++(?i:no|number|num))?+\.?+[ \t]*+(?:(?i:is)[ \t]++)?+[:#.-]?+[ \t]*+$"
)
_NI_FIGURE = re.compile(
    r"\d(?=\d)(?:(?<=(?<![A-Za-z0-9])[A-Za-z]{2}\d)|(?<=(?<![A-Za-z0-9])[A-Za-z]{2}[ \t]\d))"
)


def _ni_starts(text: str) -> Iterator[int]:
    for figure in _NI_FIGURE.finditer(text):
        yield figure.start() - (3 if text[figure.start() - 1] in " \t" else 2)


def _ni_number_replacer(match: re.Match[str]) -> str:
    """``[NI number removed]`` for an NI number in capitals, or in small letters after a cue
    or with a prefix HMRC gives; other letters and figures stay ("ab123456e")."""
    number = match.group(0)
    prefix = number[:2]
    if prefix.isupper() and number[-1].isupper():
        return NI_NUMBER_MARK
    if _NI_PREFIX.fullmatch(prefix.upper()) and not (
        number[2] in " \t" and prefix.casefold() in _NI_PREFIX_WORDS
    ):
        return NI_NUMBER_MARK
    return _ni_after_cue(match)


# Dates of birth after a cue: "DOB 12/03/1985", "D.O.B: 12.3.85", "date of birth: 12 March
# 1985", "born 1985-03-12", "born on 12th March 1985", "born March 12, 1985".
_ORDINAL = r"(?i:st|nd|rd|th)?+"
_DAY_MONTH_YEAR = (
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}"
    rf"|\d{{1,2}}{_ORDINAL}[ \t]++(?i:of[ \t]++)?+(?i:{_MONTHS_DAYS})\.?+,?+[ \t]++\d{{2,4}}"
    rf"|(?i:{_MONTHS_DAYS})\.?+[ \t]++\d{{1,2}}{_ORDINAL},?+[ \t]++\d{{4}}"
)
_BIRTH_DATE = re.compile(
    _words(("dob", r"d\.o\.b", r"date[ \t]++of[ \t]++birth", "born", "birthday"))
    + r"\.?+[ \t]*+(?i:is[ \t]++|on[ \t]++)?+[:-]?+[ \t]*+"
    rf"(?P<value>{_DAY_MONTH_YEAR})(?![\w/])"
)

# Cues after which a name follows. Each pattern matches the cue up to where the name would
# start; the words there are read by :class:`_Cue`.
_BY_CUES = (
    "reported",
    "raised",
    "logged",
    "submitted",
    "sent",
    "written",
    "spotted",
    "found",
    "noticed",
    "photographed",
    "filmed",
    "seen",
    "witnessed",
    "signed",
    "told",
    "asked",
    "contacted",
    "phoned",
    "emailed",
)
# Found by its "by" (a rare letter to start from), the cue word checked behind it.
_BY = re.compile(
    r"[bB][yY](?i:"
    + "|".join(rf"(?<=(?<!\w){cue}[ \t]by)" for cue in _BY_CUES)
    + r")(?:[ \t]*+:[ \t]*+|[ \t]++)"  # "Reported by Jane", "Reported By: SMITH, John"
)
# Who closed or fixed a report, as a status or its notes say ("Closed by Jane Doe", "fixed
# by jane doe"); not how ("fixed by replacing the lamp", "Closed by System").
_DONE_BY_CUES = (
    "closed",
    "fixed",
    "resolved",
    "completed",
    "cleared",
    "inspected",
    "checked",
    "actioned",
    "investigated",
    "assigned",
    "updated",
)
_DONE_BY = re.compile(
    r"[bB][yY](?i:"
    + "|".join(rf"(?<=(?<!\w){cue}[ \t]by)" for cue in _DONE_BY_CUES)
    + r")(?:[ \t]*+:[ \t]*+|[ \t]++)"
)
# Words after "closed by" that say how or by what, not by whom.
_DONE_BY_NOT_NAMES = _word_set(
    """Duplicate Duplicates System Systems Auto Automatic Automatically Default Merge Merged
    Request Requests User Users Admin Administrator Mistake Error Rule Rules Workflow Batch
    Script Import Migration Timeout Expiry Inactivity"""
)
_MY_NAME = re.compile(r"[mM](?<!\w.)(?i:y[ \t]++name(?:[ \t]++is|['’]s))(?!\w)[ \t]*+:?+[ \t]*+")
_I_AM = re.compile(r"I(?<!\w.)(?:['’]m|[ \t]++am)(?!\w)[ \t]++")
# "Name: Jane Doe", "From: Jane Doe" at the start of a line.
_NAME_FIELD = re.compile(
    _words(("name", r"full[ \t]++name", r"your[ \t]++name", "from"), not_after=r"^\n\x00")
    + r"[ \t]*+:[ \t]*+"
)
# "Hi Sarah", "Hello, this is Jane Doe", "Hi, it's Jo".
_GREETING = re.compile(
    _words(
        ("dear", "hi", "hiya", "hello", r"good[ \t]++(?:morning|afternoon|evening)"),
        not_after=r"^\n\x00",
    )
    + r"[ \t]*+,?+[ \t]*+(?:(?i:this[ \t]++is|it['’]s)[ \t]++)?+"
)
# "Hi, this is Jane Doe" anywhere: a text whose line breaks were read as spaces ("near the
# park Hi, this is Jane Doe") still introduces its writer.
_INTRODUCTION = re.compile(
    _words(
        tuple(rf"{hi}[ \t]*+,?+[ \t]*+(?:this[ \t]++is|it['’]s)" for hi in ("hi", "hiya", "hello"))
    )
    + r"[ \t]++"
)
_SIGN_OFF_END = r"[ \t]*+[,.!:;-]?+[ \t]*+(?:\r?\n[ \t]*+)*+"
_REGARDS = re.compile(_words(("regards", "wishes", "sincerely", "faithfully")) + _SIGN_OFF_END)
_THANKS = re.compile(
    _words(("thanks", r"thank[ \t]++you", "cheers", "thx", "thnx", "thanx")) + _SIGN_OFF_END
)
# Sign-offs that are ordinary words too ("Best value", "Signed by the council", "Love
# Lane"): only before a comma, a colon or the end of the line ("Best,\nJane Doe", "Signed,
# Jane Doe", "Love, Jane", "Ta, Jane").
_SIGNED = re.compile(
    _words(("best", "signed", "yours", "love", "ta"))
    + r"[ \t]*+(?:[,:][ \t]*+(?:\r?\n[ \t]*+)*+|(?:\r?\n[ \t]*+)++)"
)
# "Signed Jane Doe": a capitalised name after "Signed" and a space ("Signed Off" stays).
_SIGNED_NAME = re.compile(_words(("signed",)) + r"[ \t]++")
# "KR, Jane Doe", "BW Jane": kind regards and best wishes, in capitals.
_SIGN_OFF_LETTERS = re.compile(r"[KB](?<![\w.].)(?:(?<=K)R|(?<=B)W)(?!\w)" + _SIGN_OFF_END)
# "on behalf of Jane Doe" (not "on behalf of the residents").
_BEHALF = re.compile(_words((r"behalf[ \t]++of",)) + r"[ \t]*+:?+[ \t]*+")
# "my neighbour Jane Doe", "our son, Tom": a capitalised name after a relation (not "my
# neighbour's bins").
_RELATIONS = (
    "son|sons|daughter|daughters|wife|husband|partner|fianc[eé]e?|boyfriend|girlfriend|mum|"
    "mom|mam|mother|dad|father|step(?:son|daughter|mum|dad|mother|father)|brother|sister|"
    "nan|nana|nanna|gran|granny|grandma|grandmother|grandad|granddad|grandpa|grandfather|"
    "grandson|granddaughter|grandchild|aunt|auntie|aunty|uncle|cousin|nephew|niece|"
    "neighbour|neighbours|neighbor|neighbors|friend|friends|colleague|carer|lodger|tenant|"
    "landlord|landlady|child|kid"
)
_RELATIVE = re.compile(
    _words((rf"my[ \t]++(?:{_RELATIONS})", rf"our[ \t]++(?:{_RELATIONS})")) + r"[ \t]*+,?+[ \t]*+"
)
# Labels of a person ("Contact: Jane Doe", "Reporter: Jane Doe", "Caller Jane Doe rang").
_PERSON_LABELS = (
    "contact",
    "reporter",
    "caller",
    "customer",
    "complainant",
    "enquirer",
    "applicant",
    "resident",
    "requester",
    "requestor",
    "informant",
)
_LABELLED = re.compile(_words(_PERSON_LABELS) + r"(?:[ \t]*+:[ \t]*+|[ \t]++)")
# A title: the title itself goes with the name ("Mrs Patel"); in small letters or capitals
# too ("mrs smith", "MR JONES"), before a name written alike.
_TITLED = re.compile(
    r"[MDPm](?<![\w.].)(?:(?<=M)(?:rs|r|s|iss|x|RS|R|ISS)|(?<=D)r|(?<=P)rof|(?<=m)rs?+)"
    r"\.?+[ \t]++"
)
# Titles of office and rank, capitalised or in capitals: "Cllr Jane Doe", "Councillor Jane
# Doe", "Rev Jane Doe", "Sgt Jane Doe", "PC Jones", "Insp Jane Doe".
_RANKED = re.compile(
    r"[CRSPI](?<![\w.].)(?:(?<=C)(?:llr|LLR|ouncillor|OUNCILLOR)|(?<=R)(?:ev(?:erend|d)?+|EV)"
    r"|(?<=S)(?:gt|GT|ergeant|ERGEANT)|(?<=P)(?:CSO|C)|(?<=I)(?:nsp(?:ector)?+|NSP))"
    r"(?![\w-])\.?+[ \t]++"
)
_FROM = re.compile(_words(("from",)) + r"[ \t]*+:?+[ \t]*+")
# A name signing a line or a text after a dash or a tilde ("Bins full again - Jane Doe",
# "~ Jane", "Litter again -- Jane"): the dash (or two) after a space or at the start of a
# line, the name ending the line.
_DASH = r"[-–—](?<![^ \t\r\n\x00].)-?+[ \t]*+"
_DASH_SIGNATURE = re.compile(_DASH)
_TILDE_SIGNATURE = re.compile(r"~(?<![^ \t\r\n\x00].)[ \t]*+")
_LINE_END = re.compile(r"[ \t]*+[.!]?+[ \t]*+(?:\r?\n|\x00|$)")
# "contact jane on 07700 900123": a name in small letters after "contact", before "on".
_CONTACT = re.compile(_words(("contact",)) + r"[ \t]++")
_CONTACT_ON = re.compile(r"[ \t]++(?i:on|at|via)(?!\w)")
# "ring Jane Doe on 07700 900123", "call Jo at the depot": a capitalised name after a word
# that says to phone, before "on" or "at" ("call Highways on ..." stays).
_CALL_WORDS = ("ring", "call", "phone", "telephone", "text")
_CALL = re.compile(_words(_CALL_WORDS) + r"[ \t]++")
# Between two names after a relation ("my neighbours Jane and Tom Doe").
_AND = re.compile(r"[ \t]++(?:(?i:and)|&)[ \t]++")
# "Jane Doe (resident) says": up to three capitalised words before a role in brackets.
_ROLES = (
    r"(?:local[ \t]++)?+(?:resident|residents|neighbour|neighbor|homeowner|home[ \t]owner|"
    r"owner|tenant|occupier|caller|reporter|complainant|customer|parent|mum|dad|carer|"
    r"member[ \t]++of[ \t]++(?:the[ \t]++)?+public)"
)
_NAME_BEFORE_ROLE = re.compile(
    rf"(?P<name>{_NAME_WORD}(?:[ \t]++{_NAME_WORD}){{0,2}})"
    rf"(?=[ \t]*+\([ \t]*+(?i:{_ROLES})[ \t]*+\))"
)
# The words that sign off a message, before a name or initials.
_SIGN_OFF_WORDS = (
    "regards",
    "wishes",
    "sincerely",
    "faithfully",
    "thanks",
    r"thank[ \t]++you",
    "cheers",
    "thx",
    "thnx",
    "thanx",
)
# Initials after a sign-off: "regards JD", "Thanks, J.D.", "KR\nJ D"; not the initials of
# an organisation ("Thanks BT").
_SIGN_OFF_BEFORE = re.compile(_words((*_SIGN_OFF_WORDS, "kr", "bw")) + _SIGN_OFF_END + "$")
# Found from the initials (capitals are rarer than the letters of the sign-offs), the
# sign-off checked before them (:func:`_cued`).
_INITIALS = re.compile(
    r"[A-Z](?<![\w.].)(?:(?:\.[ \t]?+[A-Z]){1,2}+\.?+|[ \t]?+[A-Z](?!\w|\.\w))"
    r"(?=[ \t]*+(?:$|[\r\n.,!?;\x00]))"
)
# Initials signing a line after a dash: "Bins full - J.H.", "- J. H."; two capitals without
# dots only after a dash starting its line ("\n- JH": "Café – CP" and "Toilets - WC" name
# places), never three ("Fixed - LCC").
_DASH_INITIALS = re.compile(
    _DASH + r"(?P<value>[A-Z](?:\.[ \t]?+[A-Z](?:\.[ \t]?+[A-Z])?+\.?+|[A-Z](?!\w)))"
    r"(?=[ \t]*+[.!]?+[ \t]*+(?:\r?\n|\x00|$))"
)
# Letters that are no one's initials: organisations, answers and words ("Checked - OK",
# "Was it fixed - NO"), directions ("Zone 3 - NW", "A6 NB") and abbreviations of places and
# of the council's ("Footpath - FP", "Toilets - WC", "St Mary's - RC").
_NOT_INITIALS = _word_set(
    """OK BT UU EA UK GB PC TV HQ IT AM PM NW NE SE SW NB SB EB WB NO ME MY GO SO UP ON IN AT
    BY TO OF OR IF IS AS AN BE DO HE WE US OH HI FP SL LC TM CC DC BC HW RD ST GP ID EU CP PH
    PO TH RC CE WC GF FF LH RH NS OS HA EV NR MP PR HR FC BR LB"""
)
_LINE_START = re.compile(r"(?:^|[\r\n\x00])[ \t]*+$")

_NEXT_WORD = re.compile(rf"[ \t]*+({_ANY_WORD})")
_CAPITALISED = re.compile(_NAME_WORD)
_TITLE_AHEAD = re.compile(rf"{_TITLE}[ \t]++")
_ANY_TITLE_AHEAD = re.compile(rf"(?i:{_TITLE})[ \t]++")
_INITIAL_AHEAD = re.compile(_INITIAL)
# Between the words of a name: a middle initial ("John A. Smith"), or the small words of
# a surname ("Peter van der Berg", "Jan de Vries"), each before a capitalised word.
_PARTICLE = r"(?:van|von|der|den|de|da|di|du|del|della|la|le|ter|ten|bin|al|el|ap)(?!\w)"
_INSIDE_NAME = re.compile(
    rf"[ \t]++(?:[{_UP}]\.?+|{_PARTICLE}(?:[ \t]++{_PARTICLE})*+)(?=[ \t]++{_NAME_WORD})"
)
# "SMITH, John": a surname in capitals, a comma, then the given name.
_GIVEN_AFTER_SURNAME = re.compile(rf"[ \t]*+,[ \t]*+({_NAME_WORD})")
# Words and ends of sentences, to read what comes before a "from".
_HEAD_TOKEN = re.compile(rf"[{_UP}{_LOW}][\w'’-]*+|[.!?:;\r\n\x00]")


def _case(word: str) -> str:
    """How a word is written: ``"title"`` ("Jane", "McDonald"), ``"upper"`` ("JANE"),
    ``"lower"`` ("jane"), or ``"other"`` (one letter, "iPhone")."""
    if _CAPITALISED.fullmatch(word):
        return "title"
    if len(word) > 1 and word.isupper():
        return "upper"
    if len(word) > 1 and word.islower():
        return "lower"
    return "other"


def _always(cue: re.Match[str]) -> bool:
    return True


def _never(cue: re.Match[str]) -> bool:
    return False


def _on_its_own_line(cue: re.Match[str]) -> bool:
    """True for a sign-off followed by a new line ("Thanks\njo"), where a word is a name."""
    return "\n" in cue.group(0)


def _with_colon(cue: re.Match[str]) -> bool:
    """True for a label followed by a colon ("Contact: jane doe"), where a word is a name."""
    return ":" in cue.group(0)


def _title_not_capitalised(cue: re.Match[str]) -> bool:
    """True for a title in small letters or capitals ("mrs smith", "MR JONES"), before a
    name written alike."""
    title = cue.group(0).strip(" \t.")
    return title.islower() or title.isupper()


def _rank_in_capitals(cue: re.Match[str]) -> bool:
    """True for a title of office in capitals ("CLLR JONES"), before a name written alike;
    not for "PC" and "PCSO", which are always written so ("PC repairs")."""
    title = cue.group(0).strip(" \t.")
    return title.isupper() and not title.startswith("PC")


def _after_comma_or_line(cue: re.Match[str]) -> bool:
    """True for a sign-off followed by a comma or a new line ("Regards, jo"), not for the
    word inside a sentence ("we sincerely apologise")."""
    return "\n" in cue.group(0) or "," in cue.group(0)


def _in_running_text(cue: re.Match[str]) -> bool:
    """False when the two words before a "from" (or a dash) are capitalised, in one
    sentence: a title written in Title Case ("Water Leaking from Drain Cover", "Clarendon
    Laboratory - Simon"), where capitals name no one."""
    tokens = _HEAD_TOKEN.findall(cue.string, max(0, cue.start() - 60), cue.start())
    return len(tokens) < 2 or not all(token[0].isupper() for token in tokens[-2:])


@dataclass(frozen=True)
class _Cue:
    """Names after a cue: the words after each match of ``pattern`` that make a name (up to
    the first that is not one) become ``[name removed]``.

    Up to three capitalised words make a name ("Jane Mary Doe"), after a title or an initial.
    After a cue that says a name follows (``loose``: "reported by", "my name is"), up to two
    words in small letters or capitals do too ("jane doe", "JANE DOE"), unless they are
    ordinary words ("a neighbour", "PHONE") or describe what follows ("wheelchair users").
    """

    pattern: re.Pattern[str]
    #: Lower-case texts one of which every match contains: without them, the rule is skipped.
    anchors: tuple[str, ...]
    #: Whether words in small letters or capitals may be a name, after this match of the cue.
    loose: Callable[[re.Match[str]], bool] = _never
    #: Whether a name in small letters or capitals must end its line or be followed by
    #: punctuation (greetings, sign-offs: "Regards, the parks team" is none); capitalised
    #: words are a name whatever follows ("Thanks Jane Doe Sent from my iPhone").
    at_end: bool = False
    #: The fewest words that make a name.
    fewest: int = 1
    #: Given names that make a name alone, though fewer than ``fewest`` ("Bins - Jane");
    #: when given, one capitalised word after an initial does too ("- J. Smith").
    given_names: frozenset[str] = frozenset()
    #: Place words that are a surname after one of ``given_names`` ("- Jane Hill").
    surnames: frozenset[str] = frozenset()
    #: Capitalised words that are not names and end a name.
    not_names: frozenset[str] = _NOT_NAME_WORDS
    #: Words that make the capitalised words before them a place ("Preston Road Surgery").
    places: frozenset[str] = _PLACE_WORDS
    #: Endings that make a first word a place's ("Sutton Wick").
    place_endings: tuple[str, ...] = ()
    #: Whether the cue is a title, removed with the name.
    titled: bool = False
    #: A further test of the cue's match.
    fits: Callable[[re.Match[str]], bool] = _always
    #: What must follow the name (the end of its line, "on"), if anything.
    ends: re.Pattern[str] | None = None
    #: Words in small letters or capitals that are not names, in lower case.
    loose_not_names: frozenset[str] = frozenset()
    #: Endings of a first word in small letters that make it no name ("fixed by replacing").
    loose_endings: tuple[str, ...] = ()
    #: Whether more capitalised names joined by "and" or "&" go too ("my neighbours Jane
    #: and Tom Doe").
    joined: bool = False

    def sub(self, text: str) -> str:
        """The text with the names after each cue replaced."""
        pieces = []
        done = at = 0
        while (cue := self.pattern.search(text, at)) is not None:
            at = cue.end()
            end = self._name_end(cue)
            if end is not None:
                pieces += [text[done : cue.start() if self.titled else cue.end()], NAME_MARK]
                done = at = end
                for _ in range(3 if self.joined else 0):  # "Jane, Tom and Ann Doe": 3 at most
                    more = self._joined_name(text, end)
                    if more is None:
                        break
                    pieces += [text[end : more[0]], NAME_MARK]
                    done = at = end = more[1]
        pieces.append(text[done:])
        return "".join(pieces)

    def _joined_name(self, text: str, end: int) -> tuple[int, int] | None:
        """Where the capitalised name joined by "and" or "&" after ``end`` starts and ends,
        or ``None`` when none follows (or a place's: "Jane and Leyland Town Council")."""
        joint = _AND.match(text, end)
        if joint is None:
            return None
        stop, cases = self._words(text, joint.end(), first={"title"}, loose=False, strong=True)
        following = _FOLLOWING_WORD.match(text, stop)
        if not cases or (following is not None and following.group(1) in self.places):
            return None
        return joint.end(), stop

    def _name_end(self, cue: re.Match[str]) -> int | None:
        """Where the name after ``cue`` ends, or ``None`` when no name follows it."""
        text = cue.string
        loose = self.loose(cue)
        first = {"title", "upper", "lower"} if loose else {"title"}
        start = cue.end()
        title = (_ANY_TITLE_AHEAD if loose else _TITLE_AHEAD).match(text, start)
        if title is not None:
            start = title.end()
        initial = _INITIAL_AHEAD.match(text, start)
        if initial is not None:  # "J. Smith", "J SMITH"; but "A JOGGER" is no initial
            start = initial.end()
            first &= {"title"} if initial.group(0)[0] in "AI" else {"title", "upper"}
        strong = loose or self.at_end or self.titled or title is not None
        after_title = self.titled or title is not None
        # "J. Hill": a place word after an initial with its full stop is a surname
        after_initial = initial is not None and "." in initial.group(0)
        end, cases = self._words(
            text,
            start,
            first=first,
            loose=loose,
            strong=strong,
            after_title=after_title,
            after_initial=after_initial,
        )
        # "- J. Smith", and a given name after a dash in running text ("Bins not emptied
        # again - Jane"), not after a name in Title Case ("Clarendon Laboratory - Simon")
        alone = (
            cases == ["title"]
            and bool(self.given_names)
            and (
                initial is not None
                or (text[start:end].strip() in self.given_names and _in_running_text(cue))
            )
        )
        if (len(cases) < self.fewest and not alone) or not self.fits(cue):
            return None
        if self.ends is not None and not self.ends.match(text, end):
            return None
        given = _GIVEN_AFTER_SURNAME.match(text, end) if cases == ["upper"] and loose else None
        if given is not None and given.group(1) not in self.not_names:
            end = given.end()
        following = _FOLLOWING_WORD.match(text, end)
        if following is not None:
            word = following.group(1)
            if word in self.places if set(cases) == {"title"} else word.casefold() in _LOOSE_PLACES:
                return None
        if self.at_end and set(cases) != {"title"} and not _NAME_ENDS.match(text, end):
            return None
        return end

    def _words(
        self,
        text: str,
        start: int,
        *,
        first: set[str],
        loose: bool,
        strong: bool = False,
        after_title: bool = False,
        after_initial: bool = False,
    ) -> tuple[int, list[str]]:
        """The end of the words of a name from ``start``, and the case of each: up to three
        capitalised words (with a middle initial or the small words of a surname between
        them: "John A. Smith", "Peter van der Berg"), or up to three in small letters or
        capitals (not mixed).

        ``strong`` says the cue announces a name ("reported by", "Dear", a title), where a
        month that is a given name ("May Ellis") and a place word that is a surname ("Jane
        Hill", after a title "Mrs Wood") are names; ``after_title`` says a title came first,
        ``after_initial`` an initial with its full stop ("J. Hill").
        """
        end = start
        cases: list[str] = []
        previous = ""
        while len(cases) < 3:
            inside = _INSIDE_NAME.match(text, end) if cases and cases[-1] == "title" else None
            word = _NEXT_WORD.match(text, end if inside is None else inside.end())
            if word is None:
                break
            name = word.group(1)
            case = _case(name)
            if not cases:
                fits = case in first
            elif len(cases) == 2:
                fits = case == cases[0] == cases[1] and (loose or case == "title")
            else:
                fits = case == cases[0] or (loose and {case, cases[0]} == {"title", "upper"})
            if not fits or (not cases and name.lower().endswith(self.place_endings)):
                break
            if self._not_a_name(
                text,
                word,
                cases,
                strong=strong,
                after_title=after_title,
                after_initial=after_initial,
                previous=previous,
            ):
                break
            cases.append(case)
            end = word.end()
            previous = name
        return end, cases

    def _not_a_name(
        self,
        text: str,
        word: re.Match[str],
        cases: list[str],
        *,
        strong: bool,
        after_title: bool,
        after_initial: bool = False,
        previous: str = "",
    ) -> bool:
        """Whether ``word`` (after the words ``cases`` of the name, the last ``previous``) is
        an ordinary word or a place's, which ends the name."""
        name = word.group(1)
        if _case(name) != "title":
            folded = name.casefold()
            return (
                folded in _LOOSE_NOT_NAMES
                or folded in self.loose_not_names
                or (not cases and folded.endswith(self.loose_endings))
            )
        if name not in self.not_names:
            return False
        if name in _GIVEN_MONTHS and not cases:  # "by May Ellis", "Dear June,"; not "by May 5"
            if _NUMBER_AHEAD.match(text, word.end()):
                return True
            following = _NEXT_WORD.match(text, word.end())
            return not strong and (
                following is None
                or _case(following.group(1)) != "title"
                or following.group(1) in self.not_names
            )
        if name in _SURNAME_PLACES and after_initial and not cases:  # "J. Hill"
            return False
        if name in self.surnames and cases == ["title"] and previous in self.given_names:
            return False  # "- Jane Hill"
        if name in _SURNAME_PLACES and strong:  # "Mrs Wood", "by Jane Hill"
            return not (after_title or cases == ["title"])
        return True


def _address_replacer(match: re.Match[str]) -> str:
    """``[address removed]``, unless the words after the street name a public place
    ("5 Pancras Square Leisure Centre")."""
    following = _FOLLOWING_WORD.match(match.string, match.end())
    if following and following.group(1) in _PLACE_WORDS and following.start(1) > match.end():
        return match.group(0)
    return ADDRESS_MARK


# Words before "at" and a web address that say what is found there, not whose mailbox it
# is ("details at lancashire.gov.uk", "Report it at Chorley.gov.uk", "Tickets at
# eventbrite.co.uk"): the words the name rules keep, and these. Given names that are months
# ("jan at example.co.uk") are mailboxes.
_NOT_MAILBOXES = (
    _LOOSE_NOT_NAMES
    | _word_set(
        """available online booking bookings book booked ticket tickets leaflet leaflets
        apply applied register registered visit visited found find more info information
        details read look check view download downloads published posted listed advertised
        logged updates update news map maps form forms petition survey consultation order
        ordered buy bought sold donate donations sign signed go going live lives copies
        copy results result guidance advice"""
    )
) - frozenset(month.casefold() for month in _GIVEN_MONTHS)


def _email_replacer(match: re.Match[str]) -> str:
    """``[email removed]``; but for "at" written as a word before a domain with real dots,
    only when the name before it is no ordinary word ("jo at example.co.uk", not "details at
    lancashire.gov.uk"), looks like an address's ("jo.bloggs", "jo1") or the domain is a
    mail service's ("info at gmail.com"), and never for a web address ("www.", a path)."""
    domain = match.group("domain")
    if domain is None:
        return EMAIL_MARK
    web = domain[:4].lower() == "www." or match.string.startswith("/", match.end())
    host = domain.split(".", 1)[0].lower()
    local = match.group("local")
    if not web and (
        _ADDRESS_LIKE.search(local) or host in _MAIL_HOSTS or local.casefold() not in _NOT_MAILBOXES
    ):
        return EMAIL_MARK
    return match.group(0)


# Where an email may start: before an "@" or an "at" standing alone, the run of characters
# of the part before it (read backwards, on the reversed text); and, after a spaced "@" or
# an "at", before the words joined to that run by dots written out or spaced ("john dot
# smith at", "jo . bloggs @").
_EMAIL_AT = re.compile(
    r"[@＠﹫%aA](?:(?<=[@＠﹫])|(?<=%)40|(?<![^\W\d_].)(?<=[aA])[tT](?![^\W\d_]))"
)
_BEFORE_AT = re.compile(r"(?P<gap>[ \t]*+[\[(<{]?+[ \t]*+)[\w.+'’-]++")
_DOT_WORD_REVERSED = (
    r"(?:[ \t]*+[\])>}][ \t]*+(?i:tod)[ \t]*+[\[(<{][ \t]*+|[ \t]++(?i:tod)[ \t]++)"
)
_MORE_BEFORE_AT = re.compile(rf"(?:(?:{_DOT_WORD_REVERSED}|{_SPACED_DOT})[\w.+'’-]++)*+")
# Where a postcode may start: one or two letters before a digit that follows a letter.
_POSTCODE_DIGIT = re.compile(r"\d(?<=[A-Za-z]\d)")


def _email_starts(text: str) -> Iterator[int]:
    reverse = text[::-1]
    for at in _EMAIL_AT.finditer(text):
        before = _BEFORE_AT.match(reverse, len(text) - at.start())
        if before is None:
            continue
        if before.group("gap") or at.group(0) not in _AT_SIGNS:
            more = _MORE_BEFORE_AT.match(reverse, before.end())
            if more is not None and more.end() > before.end():
                yield len(text) - more.end()
        yield len(text) - before.end()


def _postcode_starts(text: str) -> Iterator[int]:
    for digit in _POSTCODE_DIGIT.finditer(text):
        yield digit.start() - 2
        yield digit.start() - 1


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]
    #: Lower-case texts one of which every match contains: without them, the rule is skipped.
    anchors: tuple[str, ...]
    #: For a pattern whose first characters are common ones (the letters of an email's
    #: name, of a postcode), the places where a match may start, in order, found from a rarer
    #: part of it: the pattern is tried there only, which gives the same matches.
    starts: Callable[[str], Iterator[int]] | None = None

    def sub(self, text: str) -> str:
        """The text with every match replaced, as ``pattern.sub`` does."""
        if self.starts is None:
            return self.pattern.sub(self.replacement, text)
        pieces = []
        done = 0
        for start in self.starts(text):
            match = self.pattern.match(text, start) if start >= done else None
            if match is None:
                continue
            replacement = self.replacement
            pieces += [
                text[done:start],
                replacement(match) if callable(replacement) else replacement,
            ]
            done = match.end()
        pieces.append(text[done:])
        return "".join(pieces)


# Words of places and of a report's status, which a dash before a line's last words is
# often followed by ("Flooding - Croston Moss", "Update - Work Completed").
_MORE_PLACES = _word_set(
    """Moss Marsh Clough Hey Heys Top Bottom Nook Head Edge Hamlet Ward Wards Area Zone Zones
    Scheme Estates Precincts Block Blocks Wing Deck Floor Level Phase Section Stage Entrance
    Exit Stand"""
)
_SIGNATURE_NOT_NAMES = (
    _NOT_NAME_WORDS
    | _FROM_PUBLIC
    | _MORE_PLACES
    | frozenset(word.capitalize() for word in _LOOSE_NOT_NAMES)
    | _word_set(
        """Work Job Done Action Taken Closed Open Pending Awaiting Inspection Inspected
        Scheduled Passed Raised Duplicate Investigating Progress Repair Repaired Urgent
        Complete Completed Fixed Resolved Cleared Updated Request Requested Required
        Issue Problem Further Defect Needs Need Needed Requires Refill Refilling Empty
        Emptying Emptied Full Repairing Replacing Replacement Replaced Cleaning Clean
        Clearing Cutting Cut Gritting Sweeping Painting Fixing Missing Broken Damaged
        Blocked Overflowing Leaking Flooded Flooding Dumped Removed Removal Collected
        Collection Faulty Fault Lit Unlit Vandalised Stolen Hazard Dangerous Unsafe
        Overgrown"""
    )
)
# Given names that sign a line alone after a dash ("Bins not emptied again - Jane"). Not
# those that are also places, streets and halls ("Victoria", "Albert", "Preston", "Barry",
# "Leigh"), colours, plants and stones ("Amber", "Holly", "Ruby"), virtues ("Grace"), months
# ("May") or words ("Will", "Mark", "Frank", "Grant"), which a dash often comes before.
_GIVEN_NAMES = _word_set(
    """Aaliyah Abigail Ada Adele Agata Agnes Agnieszka Ailsa Aisha Alice Alicia Alison
    Amanda Amelia Amira Amy Ana Andrea Angela Anita Anjali Ann Anna Anne Annette Annie Anya
    Aoife Ava Ayesha Barbara Bernadette Beth Bethany Betty Brenda Bridget Bronwen Caitlin
    Carla Carol Caroline Carolyn Catherine Cerys Charlotte Chloe Christine Ciara Claire
    Clare Deborah Debbie Denise Diana Diane Doris Dorothy Edith Eileen Eilidh Elaine
    Eleanor Elizabeth Ella Ellen Ellie Eloise Elsie Emily Emma Erin Esme Esther Ethel Eva
    Evelyn Evie Fatima Ffion Fiona Frances Freda Freya Gail Gemma Georgia Gillian Gladys
    Gloria Gwen Hannah Harriet Hayley Heidi Helen Hilda Imogen Irene Isabel Isabella
    Isabelle Isla Jackie Jacqueline Jane Janet Janice Jean Jenna Jennifer Jenny Jessica
    Jill Joan Joanna Joanne Jodie Josephine Joyce Judith Judy Julia Julie Karen Kate Kath
    Katherine Kathleen Kathryn Katie Katarzyna Kayleigh Kelly Kerry Kimberley Kirsty Laura
    Lauren Layla Leah Leanne Lesley Linda Lindsey Lisa Lorraine Louise Lucy Luna Lydia Lynn
    Lynne Mabel Magdalena Mairead Maisie Mandy Margaret Maria Marie Marion Marjorie Martha
    Mary Matilda Maureen Maya Megan Melanie Mhairi Mia Mildred Millie Molly Monica Morag
    Muriel Nadia Naomi Nasreen Natalie Nia Niamh Nicola Nicole Nina Nora Norma Olivia Orla
    Paige Pamela Parveen Patricia Paula Pauline Phoebe Priya Rachel Rebecca Rhian Rita
    Robyn Roisin Rosalind Rosemary Rosie Ruth Sadie Sally Samantha Sandra Sarah Sasha
    Scarlett Shabana Shannon Sharon Shazia Sheila Sian Sinead Siobhan Sonia Sophia Sophie
    Stacey Stella Stephanie Sunita Susan Suzanne Sylvia Tanya Teresa Thea Theresa Tina
    Tracey Tracy Valerie Vanessa Vera Vicky Wendy Winifred Yvonne Zara Zoe Zoë
    Aaron Abdul Adam Adrian Aidan Alan Alasdair Alastair Alec Alex Alexander Alfie Alfred
    Ali Alistair Amir Andrew Andy Angus Anthony Archie Arjun Arthur Ben Benjamin Bernard
    Bob Brendan Brian Bruce Callum Calum Cameron Carl Charles Charlie Chris Christopher
    Ciaran Colin Connor Conor Craig Cyril Dafydd Damian Damien Dan Daniel Danny Darren Dave
    David Declan Dennis Derek Dominic Donald Douglas Duncan Dylan Eamon Eddie Edward Elliot
    Elliott Eoin Eric Ethan Euan Ewan Finlay Finley Finn Francis Fraser Fred Freddie
    Frederick Gareth Gary Gavin Geoff Geoffrey George Gerald Gerard Gethin Gordon Graham
    Gregory Gurpreet Hamish Harjit Harold Harry Harvey Hassan Henry Herbert Howard Hugh
    Hugo Ian Imran Isaac Ivan Iwan Jack Jacob Jake Jakub James Jamie Jaspreet Jason
    Jeffrey Jeremy Jim Jimmy Joe Joel John Jonathan Jordan Joseph Josh Joshua Julian
    Justin Kacper Kamal Karl Keith Kenneth Kenny Kevin Kieran Krzysztof Kuldip Kyle
    Lawrence Leo Leon Leonard Leslie Lewis Liam Logan Louis Lukasz Luke Malcolm Marcus
    Marek Martin Matthew Michael Mike Mohamed Mohammad Mohammed Muhammad Nathan Neil
    Nicholas Nick Nigel Noah Norman Oliver Ollie Omar Oscar Owen Padraig Patrick Paul Pawel
    Percy Pete Peter Philip Phillip Piotr Rahul Raj Ralph Raymond Reece Reginald Rhodri
    Rhys Richard Robert Roger Ronald Ronnie Rory Ross Roy Russell Ryan Sam Samuel Sanjay
    Scott Seamus Sean Shaun Simon Stephen Steve Steven Stuart Tariq Ted Terence Terry Theo
    Thomas Tim Timothy Toby Tom Tomasz Tommy Tony Trevor Tyler Vikram Vincent Walter Warren
    Wayne Wilfred William Zach Zachary Zain"""
)
# Surnames that are place words, after a given name signing a line ("- Jane Hill"; not the
# words of streets and buildings: "- George Street", "- Albert Park").
_DASH_SURNAMES = _word_set(
    """Hill Hills Green Greenwood Wood Woods Field Fields Banks Brooks Mills Hall Marsh King
    Little Love Day Ward Cross North West"""
)
_SIGNATURE_GIVEN_NAMES = _GIVEN_NAMES - _SIGNATURE_NOT_NAMES
_ROLE_ANCHORS = (
    "resident",
    "neighbo",
    "owner",
    "tenant",
    "occupier",
    "caller",
    "reporter",
    "complainant",
    "customer",
    "parent",
    "mum",
    "dad",
    "carer",
    "public",
)
_SIGN_OFF_ANCHORS = (
    *("regards", "wishes", "sincerely", "faithfully", "thank", "cheers"),
    *("thx", "thnx", "thanx", "kr", "bw"),
)


def _name_before_role(match: re.Match[str]) -> str:
    """``[name removed]`` for the capitalised words before a role in brackets that make a
    name ("Jane Doe (resident)"), keeping words before them that are no names ("Contact
    Jane Doe (resident)") and a place's words ("Leyland Town Hall (residents)")."""
    words = match.group("name").split()
    kept = len(words)
    while kept and words[kept - 1] not in _NOT_NAME_WORDS | _FROM_PUBLIC:
        kept -= 1
    if kept == len(words):
        return match.group(0)
    head = match.group(0)[: match.start("name") - match.start()]
    return head + (" ".join(words[:kept]) + " " if kept else "") + NAME_MARK


def _cued(cue: re.Pattern[str], mark: str) -> Callable[[re.Match[str]], str]:
    """A replacement putting ``mark`` in place of a match that ``cue`` ends right before
    (read over the 40 characters before it, a bounded look back), keeping the others."""

    def replace(match: re.Match[str]) -> str:
        if cue.search(match.string, max(0, match.start() - 40), match.start()) is None:
            return match.group(0)
        return mark

    return replace


_phone_after_cue = _cued(_PHONE_CUE, PHONE_MARK)
_ni_after_cue = _cued(_NI_CUE, NI_NUMBER_MARK)
_initials_after_cue = _cued(_SIGN_OFF_BEFORE, NAME_MARK)


def _dash_initials_replacer(match: re.Match[str]) -> str:
    """The dash and ``[name removed]`` for initials signing a line after a dash ("Bins full
    - J.H.", "\n- JH"), unless they are an organisation's or a word ("Checked - OK"), or
    two capitals after a dash inside a line ("Café – CP")."""
    value = match.group("value")
    if re.sub(r"[. \t]", "", value) in _NOT_INITIALS:
        return match.group(0)
    if "." not in value and not _LINE_START.search(
        match.string, max(0, match.start() - 20), match.start()
    ):
        return match.group(0)  # "Café – CP"
    return match.string[match.start() : match.start("value")] + NAME_MARK


# A signature in small letters ending its line, after a sign-off or a dash ("regards jh",
# "Thanks, j smith", "cheers jane", "Bins full again - jane", "- jane smith"): up to three
# words, which :func:`_lower_signature_replacer` weighs.
_LOWER_WORD = r"(?!x++(?![a-z'’.-]))[a-z][a-z'’.-]*+"  # a word, not kisses ("x", "xx")
_LOWER_NAME = (
    rf"(?P<value>{_LOWER_WORD}(?:[ \t]++{_LOWER_WORD}){{0,2}})"
    r"(?=(?:[ \t]++[xX]++)?+[ \t]*+[.!]?+[ \t]*+(?:\r?\n|\x00|$))"
)
_LOWER_AFTER_SIGN_OFF = re.compile(_words((*_SIGN_OFF_WORDS, "ta")) + _SIGN_OFF_END + _LOWER_NAME)
_LOWER_AFTER_DASH = re.compile(_DASH + _LOWER_NAME)
# Given names that are also everyday words written in small letters ("a jack", "will").
_WORDLIKE_NAMES = frozenset({"jack", "carol", "bob", "nick", "warren", "jean", "lynn", "mike"})
# Single letters that sign no one: a kiss, "a", "I", "u"; and two that are words ("ta",
# "ty": thanks, thank you).
_NOT_AN_INITIAL = frozenset({"x", "a", "i", "u"})
_NOT_LOWER_INITIALS = frozenset({"ta", "ty", "tx", "xx"})


def _is_lower_signature(value: str) -> bool:
    """Whether the small-letter words ending a line after a sign-off or a dash are a
    person's: initials ("jh", "j h", "j.h."; not "ok", "no", "xx"), a given name alone or
    with a surname ("jane", "jane smith"; not "jane street", nor a name that is also a word,
    "jack"), or an initial and a surname ("j smith"; not "a lot"). Words are not ("thanks
    all", "cheers mate", "many thanks again")."""
    words = value.replace(".", " ").split()
    if not words:
        return False
    if all(len(word) == 1 for word in words):
        return not (len(words) == 1 and words[0] in _NOT_AN_INITIAL)
    if len(words) == 1 and len(words[0]) == 2:
        return words[0].upper() not in _NOT_INITIALS and words[0] not in _NOT_LOWER_INITIALS
    given = words[0].capitalize()
    if given in _SIGNATURE_GIVEN_NAMES and words[0] not in _WORDLIKE_NAMES and len(words) <= 2:
        return len(words) == 1 or words[1].capitalize() not in _PLACE_WORDS | _MORE_PLACES
    return (
        len(words) == 2
        and len(words[0]) == 1
        and words[0] not in _NOT_AN_INITIAL
        and words[1].capitalize() not in _PLACE_WORDS | _MORE_PLACES
    )


def _lower_signature_replacer(match: re.Match[str]) -> str:
    """The sign-off or the dash, and ``[name removed]`` for the words after it when they
    are a person's (:func:`_is_lower_signature`)."""
    value = match.group("value")
    if not _is_lower_signature(value):
        return match.group(0)
    full_stop = value[len(value.rstrip(".")) :]  # "regards, j smith." keeps its full stop
    return match.string[match.start() : match.start("value")] + NAME_MARK + full_stop


def _initials_replacer(match: re.Match[str]) -> str:
    """``[name removed]`` for initials after a sign-off ("regards JD"), unless they are an
    organisation's ("Thanks BT")."""
    if re.sub(r"[. \t]", "", match.group(0)) in _NOT_INITIALS:
        return match.group(0)
    return _initials_after_cue(match)


_DIGITS = tuple("0123456789")
_RULES: tuple[_Rule | _Cue, ...] = (
    _Rule(_EMAIL, _email_replacer, (*_AT_SIGNS, "at"), _email_starts),
    _Rule(_PHONE, PHONE_MARK, ("0", "+44")),
    _Rule(
        _PHONE_WITHOUT_0,
        _phone_after_cue,
        ("call", "ring", "tel", "phone", "mob", "text", "whatsapp"),
    ),
    _Rule(_BIRTH_DATE, _after_cue(BIRTH_DATE_MARK), ("dob", "d.o.b", "birth", "born")),
    _Rule(_REGISTRATION_CUE, _registration_after_cue, ("reg", "vrm", "plate")),
    _Rule(_REGISTRATION, REGISTRATION_MARK, _DIGITS),
    _Rule(_OLDER_REGISTRATION, _older_registration_replacer, _DIGITS),
    _Rule(_NI_NUMBER, _ni_number_replacer, _DIGITS, _ni_starts),
    _Rule(_POSTCODE, POSTCODE_MARK, _DIGITS, _postcode_starts),
    _Rule(_ADDRESS, _address_replacer, _DIGITS),
    _Rule(_FLAT, ADDRESS_MARK, ("flat", "apartment", "apt", "unit")),
    _Cue(_BY, ("by",), loose=_always, joined=True),
    _Cue(
        _DONE_BY,
        ("by",),
        loose=_always,
        joined=True,
        not_names=_NOT_NAME_WORDS | _DONE_BY_NOT_NAMES,
        loose_not_names=frozenset(w.casefold() for w in _DONE_BY_NOT_NAMES)
        | frozenset({"auto-close", "auto-closed", "autoclose"}),
        loose_endings=("ing", "ed"),
    ),
    _Cue(_MY_NAME, ("name",), loose=_always),
    _Cue(_I_AM, ("i'm", "i’m", "am")),
    _Cue(_NAME_FIELD, ("name", "from"), loose=_always),
    _Cue(_GREETING, ("dear", "hi", "hello", "good"), loose=_always, at_end=True),
    _Cue(_INTRODUCTION, ("hi", "hello"), loose=_always, at_end=True),
    _Cue(
        _REGARDS,
        ("regards", "wishes", "sincerely", "faithfully"),
        loose=_after_comma_or_line,
        at_end=True,
    ),
    _Cue(
        _THANKS,
        ("thank", "cheers", "thx", "thnx", "thanx"),
        loose=_on_its_own_line,
        at_end=True,
    ),
    _Cue(
        _SIGNED,
        ("best", "signed", "yours", "love", "ta"),
        loose=_on_its_own_line,
        at_end=True,
    ),
    _Cue(_SIGNED_NAME, ("signed",)),
    _Cue(_SIGN_OFF_LETTERS, ("kr", "bw"), loose=_on_its_own_line, at_end=True),
    _Cue(_BEHALF, ("behalf",), loose=_always, joined=True),
    _Cue(_RELATIVE, ("my", "our"), joined=True),
    _Cue(_LABELLED, _PERSON_LABELS, loose=_with_colon),
    _Cue(
        _CONTACT,
        ("contact",),
        loose=_always,
        ends=_CONTACT_ON,
        loose_not_names=frozenset(word.casefold() for word in _FROM_PUBLIC),
    ),
    _Cue(_CALL, _CALL_WORDS, ends=_CONTACT_ON),
    _Rule(_NAME_BEFORE_ROLE, _name_before_role, _ROLE_ANCHORS),
    _Rule(_INITIALS, _initials_replacer, _SIGN_OFF_ANCHORS),
    _Rule(_DASH_INITIALS, _dash_initials_replacer, ("-", "–", "—")),
    _Rule(
        _LOWER_AFTER_SIGN_OFF,
        _lower_signature_replacer,
        ("regards", "wishes", "sincerely", "faithfully", "thank", "cheers", "thx", "thnx", "ta"),
    ),
    _Rule(_LOWER_AFTER_DASH, _lower_signature_replacer, ("-", "–", "—")),
    # A dash or a tilde before a name ending its line: two capitalised words after a dash
    # ("Bins - Chorley Road", "Litter - Market Street" stay), or a given name alone ("Bins -
    # Jane"), or a surname after an initial ("- J. Smith"); one after a tilde.
    _Cue(
        _DASH_SIGNATURE,
        ("-", "–", "—"),
        fewest=2,
        given_names=_SIGNATURE_GIVEN_NAMES,
        surnames=_DASH_SURNAMES,
        not_names=_SIGNATURE_NOT_NAMES,
        places=_PLACE_WORDS | _FROM_PUBLIC | _MORE_PLACES,
        place_endings=_PLACE_ENDINGS,
        ends=_LINE_END,
    ),
    _Cue(
        _TILDE_SIGNATURE,
        ("~",),
        not_names=_SIGNATURE_NOT_NAMES,
        places=_PLACE_WORDS | _FROM_PUBLIC | _MORE_PLACES,
        place_endings=_PLACE_ENDINGS,
        ends=_LINE_END,
    ),
    _Cue(
        _TITLED,
        ("mr", "ms", "miss", "mx", "dr", "prof"),
        loose=_title_not_capitalised,
        titled=True,
    ),
    _Cue(
        _RANKED,
        ("cllr", "councillor", "rev", "sgt", "sergeant", "pc", "insp"),
        loose=_rank_in_capitals,
        titled=True,
    ),
    # A plain "from" is a weak cue: two capitalised words at least, none a place's.
    _Cue(
        _FROM,
        ("from",),
        fewest=2,
        not_names=_NOT_NAME_WORDS | _FROM_PUBLIC,
        places=_PLACE_WORDS | _FROM_PUBLIC,
        place_endings=_PLACE_ENDINGS,
        fits=_in_running_text,
    ),
)
# Cells of a column are joined by this character to be scrubbed in one pass; no pattern
# matches it, and every pattern treats it as the end of a text.
_SEPARATOR = "\x00"


def _scrub(text: str) -> str:
    folded = _fold(text)
    for rule in _RULES:
        if any(anchor in folded for anchor in rule.anchors):
            text = rule.sub(text)
    return text


def _scrub_all(texts: list[str]) -> list[str]:
    """:func:`_scrub` over many texts, in one pass over them all joined together."""
    if not texts:
        return []
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) == len(texts) - 1:
        parts = _scrub(joined).split(_SEPARATOR)
        if len(parts) == len(texts):
            return parts
    return [_scrub(text) for text in texts]  # a text holds the separator itself


def redact(text: object) -> object:
    """Replace the personal data written in ``text``; values other than text pass through.

    Emails (also written "jo at example dot com", "jo [at] example [dot] com", "jo.bloggs at
    gmail.com" or "jo . bloggs @ gmail . com"), UK phone numbers, full postcodes, home
    addresses (a house number and a street) and names after a cue ("reported by", "my name
    is", "Dear", "Regards,", "Mrs", "from" before two capitalised words) become marks.
    Places, organisations and streets without a house number stay.

    >>> redact("Call me on 07700 900123 or jo@example.com")
    'Call me on [phone removed] or [email removed]'
    >>> redact("Reported by Jane Doe, 12 Acacia Avenue, PR7 1AA")
    'Reported by [name removed], [address removed], [postcode removed]'
    >>> redact("REPORTED BY JANE DOE, email from Ann Lee: john dot smith at gmail dot com")
    'REPORTED BY [name removed], email from [name removed]: [email removed]'
    >>> redact("Bins overflowing on Church Road by Leyland United Football Club")
    'Bins overflowing on Church Road by Leyland United Football Club'
    >>> redact("Reported by a neighbour, trolleys from Asda and Leyland Town Council")
    'Reported by a neighbour, trolleys from Asda and Leyland Town Council'
    """
    if not isinstance(text, str):
        return text
    return _scrub(text)


# The marks the scrubber writes, kept whole by :func:`scrub_value`.
_MARKS = re.compile(
    "|".join(
        re.escape(mark)
        for mark in (
            EMAIL_MARK,
            PHONE_MARK,
            NAME_MARK,
            ADDRESS_MARK,
            POSTCODE_MARK,
            REGISTRATION_MARK,
            NI_NUMBER_MARK,
            BIRTH_DATE_MARK,
            TEXT_MARK,
        )
    )
)
# A word of a value: letters, perhaps joined by an apostrophe or a hyphen.
_VALUE_WORD = re.compile(r"[^\W\d_]++(?:['’-][^\W\d_]++)*+")
# Words a date, a coordinate or a code may hold that are no names (besides the ordinary
# words, months and days the name rules know): "2025-11-25T14:03Z", "14:03 UTC", "2:03 PM",
# "53.65 N", "n/a".
_VALUE_WORDS = _LOOSE_NOT_NAMES | _word_set(
    """t z utc gmt bst am pm north south east west nan null nil none true false tbc tba
    unknown deg degrees lat lon long lng latitude longitude"""
)
# Words removed one after another become one mark.
_MARK_RUN = re.compile(rf"{re.escape(TEXT_MARK)}(?:[ \t,.;:/-]*+{re.escape(TEXT_MARK)})++")


def scrub_value(value: object) -> str:
    """A value that should be a date, a number, a coordinate or a code, as an account of
    a rejected row may show it: personal data removed as by :func:`redact`, then every
    capitalised word that may be a name replaced by ``[text removed]``.

    A name written where a date or a coordinate should be has no cue before it, so a
    capitalised word (or one in capitals) is kept only when no name is like it: the
    ordinary words, months and days the name rules know, the letters of a date or a
    bearing ("T", "Z", "UTC", "PM", "N"), and a grid reference's square ("SD"). Words in
    small letters stay ("not a date"): a name written so, with no cue, is not found. A
    value that is a date, a number or a coordinate comes back as it was.

    >>> scrub_value("ring Jane Doe on 07700 900123")
    'ring [name removed] on [phone removed]'
    >>> scrub_value("Jane Doe, 07700 900123, jane@example.com")
    '[text removed], [phone removed], [email removed]'
    >>> scrub_value("ask JANE DOE"), scrub_value("not a date")
    ('ask [text removed]', 'not a date')
    >>> scrub_value("last Tuesday"), scrub_value("2025-11-25T14:03:00Z"), scrub_value(53.6)
    ('last Tuesday', '2025-11-25T14:03:00Z', '53.6')
    >>> scrub_value(None), scrub_value(float("nan"))
    ('', '')
    """
    if value is None or (isinstance(value, float) and value != value):  # None, NaN
        return ""
    return _masked(str(redact(str(value))))


def scrub_values(values: pd.Series) -> pd.Series:
    """:func:`scrub_value` over a column, in one pass over all its cells
    (:func:`redact_series`); missing values stay missing."""
    redacted = redact_series(values)
    masked = [text if not isinstance(text, str) else _masked(text) for text in redacted]
    return pd.Series(masked, index=values.index, dtype="object")


def _masked(redacted: str) -> str:
    """Redacted text with every capitalised word that may be a name (outside the marks)
    replaced by ``[text removed]`` (see :func:`scrub_value`)."""
    if redacted == redacted.lower():  # no capital: a number, a date in words
        return redacted
    pieces = []
    at = 0
    for mark in [*_MARKS.finditer(redacted), None]:
        end = len(redacted) if mark is None else mark.start()
        pieces.append(_VALUE_WORD.sub(_value_word, redacted[at:end]))
        if mark is not None:
            pieces.append(mark.group(0))
            at = mark.end()
    return _MARK_RUN.sub(TEXT_MARK, "".join(pieces))


def _value_word(word: re.Match[str]) -> str:
    """A word of a value as :func:`scrub_value` shows it: a word in small letters stays
    ("not a date"), and so does one in capitals of two letters (a grid square, "PM")."""
    text = word.group(0)
    if text.islower() or len(text) == 1 or (len(text) == 2 and text.isupper()):
        return text
    return text if text.casefold() in _VALUE_WORDS else TEXT_MARK


def quoted(text: object) -> str:
    """``text`` quoted for a note or a message (as ``repr`` quotes it), its personal data
    removed first (:func:`redact`).

    A note quoting a text of the file is redacted text by text, before the quotes and the
    words around it are added, so that a quote ("'Regards, Jane Doe' (1)") or an escaped
    line break never hides a name from the cue before it.

    >>> quoted("Regards, Jane Doe")
    "'Regards, [name removed]'"
    >>> quoted(3)
    '3'
    """
    return repr(redact(text))


def redact_series(values: pd.Series) -> pd.Series:
    """:func:`redact` over a column of text, in one pass over all its cells.

    Values that are not text become text; missing values stay missing.
    """
    cells = values.to_numpy(dtype=object)
    try:
        codes, distinct = pd.factorize(cells)  # each text scrubbed once
    except TypeError:  # a value that cannot be hashed (a list)
        distinct = np.array([0])
    if not all(isinstance(text, str) for text in distinct):  # 1 and 1.0 are two texts
        codes, distinct = pd.factorize(pd.Series(cells).astype("str").to_numpy(dtype=object))
    texts = distinct.tolist()
    scrubbed = np.array([*_scrub_all(texts), None], dtype=object)
    return pd.Series(scrubbed[codes], index=values.index, dtype="str")


# --- the row's own names -------------------------------------------------------------------

# Characters that ``re.IGNORECASE`` matches to "i" although their case folds differ.
_FOLD_TABLE = str.maketrans({"\u0130": "i", "\u0131": "i"})


def _fold(text: str) -> str:
    """``text`` with every two characters that a case-insensitive pattern treats as the same
    made equal, so that ``_fold(name) in _fold(text)`` holds whenever ``name`` matches
    somewhere in ``text`` ignoring case (checked over all of Unicode in the tests)."""
    if text.isascii():  # the same, quicker
        return text.lower()
    return text.translate(_FOLD_TABLE).casefold()


def _is_name(name: str) -> bool:
    return len(name) >= 3 and name.lower() not in NOT_NAMES and "@" not in name


def _cut_name(text: str, name: str) -> str:
    return re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_MARK, text, flags=re.IGNORECASE)


def plain_ids(ids: pd.Series) -> pd.Series:
    """Which of ``ids`` are plain numbers of up to nine digits (FixMyStreet's, most
    services'): too short for a phone number, with no letter for a name, an email, an
    address or a postcode, so they need not be read for personal data."""
    return ids.astype("str").str.fullmatch(r"[0-9]{1,9}").astype("bool")


def cut_names(text: str, names: Iterable[object]) -> str:
    """``text`` with each of ``names`` (three letters or more, not "(anonymous)") replaced
    by ``[name removed]``, in any case, as a whole word: the names of one row, or of a few,
    cut out of one text (:func:`remove_names` does it for a column of texts).

    >>> cut_names("Spoke to WIL CRUMP at the gate", ["Wil Crump", "n/a", None])
    'Spoke to [name removed] at the gate'
    """
    folded = _fold(text)
    written = {str(name).strip() for name in names if isinstance(name, str)}
    for name in sorted(written, key=len, reverse=True):  # "Jo Bloggs" before "Jo"
        if _is_name(name) and _fold(name) in folded:
            text = _cut_name(text, name)
    return text


def remove_names(texts: pd.Series, names: pd.DataFrame) -> pd.Series:
    """Replace, in each row's text, the names that row's person columns hold.

    FixMyStreet's "User Name" is dropped, but people write their own (or a neighbour's)
    name into the title or details too: "Anne Sharples reported this". Each name of the
    row (three letters or more, not "(anonymous)") becomes ``[name removed]``, in any case,
    as a whole word. ``names`` holds the person columns only (:func:`person_columns`), with
    rows labelled like ``texts``.

    Only the texts that contain their row's name (a plain substring test, ignoring case)
    are searched with a regular expression, and each distinct pair of a name and a text is
    looked at once: the cost is one substring test per distinct pair, not per row.
    """
    return names_remover(names)(texts)


def names_remover(names: pd.DataFrame) -> Callable[[pd.Series], pd.Series]:
    """:func:`remove_names` for several texts of the same rows (a title and a detail): the
    rows' names are worked out once, for all of them."""
    if names.empty:
        return lambda texts: texts.astype("object").copy()
    if not names.index.is_unique:
        return lambda texts: _remove_names_by_row(texts.astype("object").copy(), names)
    values = names.to_numpy()  # one dtype for all columns, as a row of the frame has
    columns = [_row_names(pd.Series(values[:, column])) for column in range(values.shape[1])]

    def remove(texts: pd.Series) -> pd.Series:
        out = texts.astype("object").copy()
        if not out.index.is_unique:
            return _remove_names_by_row(out, names)
        where = out.index.get_indexer(names.index)
        found = where >= 0
        current = out.to_numpy(dtype=object)[where[found]]
        for name_of, written, folded in columns:
            _cut_column_names(current, name_of[found], written, folded)
        result = out.to_numpy(dtype=object, copy=True)
        result[where[found]] = current
        return pd.Series(result, index=out.index, dtype="object", name=out.name)

    return remove


def _row_names(cells: pd.Series) -> tuple[np.ndarray, list[str], list[str | None]]:
    """The name each cell of a person column holds, as its number among the column's
    distinct names (-1: none), the names (stripped) and each name folded (``None``: it is
    no name, as :func:`_is_name` says)."""
    present = cells.notna().to_numpy()
    codes, written, folded = _names_folded(cells.astype("str").to_numpy(dtype=object)[present])
    name_of = np.full(len(cells), -1)
    name_of[present] = codes
    return name_of, written, folded


def _cut_column_names(
    texts: np.ndarray, name_of: np.ndarray, names: list[str], folded: list[str | None]
) -> None:
    """Replace in ``texts`` (changed in place) the name each text's row holds (``name_of``,
    in the same order, numbers into ``names`` and ``folded``: see :func:`_row_names`):
    each distinct pair of a name and a text is tested once, by a substring test ignoring
    case, and searched with a regular expression only when it holds the name."""
    rows = np.flatnonzero(np.array([f is not None for f in folded] + [False])[name_of])
    try:
        text_of, written = pd.factorize(texts[rows])
    except TypeError:  # a value that cannot be hashed (a list) holds no name to cut
        kept = [text if isinstance(text, str) else None for text in texts[rows]]
        text_of, written = pd.factorize(np.array(kept, dtype=object))
    width = len(written) + 1  # each distinct text numbered from 1 (0: no text)
    pair_of, pairs = pd.factorize(name_of[rows] * width + text_of + 1)
    cut: list[str | None] = []
    for name, number in zip(*np.divmod(pairs, width), strict=True):
        text = written[number - 1] if number else None
        if isinstance(text, str) and str(folded[name]) in _fold(text):
            cut.append(_cut_name(text, names[name]))
        else:
            cut.append(None)
    hit = np.array([text is not None for text in cut], dtype=bool)[pair_of]
    texts[rows[hit]] = np.array(cut, dtype=object)[pair_of[hit]]


def _names_folded(cells: np.ndarray) -> tuple[np.ndarray, list[str], list[str | None]]:
    """Each cell of a person column as the number of its distinct name, the names
    (stripped), and each name folded, or ``None`` when it is no name (:func:`_is_name`)."""
    codes, distinct = pd.factorize(cells)
    names = [str(cell).strip() for cell in distinct]
    return codes, names, [_fold(name) if _is_name(name) else None for name in names]


def _remove_names_by_row(out: pd.Series, names: pd.DataFrame) -> pd.Series:
    """:func:`remove_names` for rows labelled more than once: one row at a time."""
    for row, values in names.iterrows():
        text = out.get(row)
        if not isinstance(text, str):
            continue
        for value in values.dropna().astype("str"):
            name = value.strip()
            if _is_name(name):
                text = _cut_name(text, name)
        out[row] = text
    return out
