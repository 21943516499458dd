/**
 * Topic keywords (data). Same notation as the sentiment lexicons: "stem*" is a prefix, other
 * entries are exact words, entries with spaces are phrases of two or three words.
 * The order of TOPICS is the tie-break order when two topics have as many hits.
 */
export const TOPICS = [
  "fraud",
  "account_access",
  "refund",
  "billing",
  "fees",
  "price",
  "wait_time",
  "delay",
  "cancellation",
  "staff_attitude",
  "technical_issue",
  "delivery",
  "baggage",
  "product_quality",
  "cleanliness",
  "food",
  "seat_comfort",
  "credit_reporting",
  "debt_collection",
  "loan_mortgage",
  // the vaguest topic last: it loses ties to any specific one
  "communication",
] as const;

export type Topic = (typeof TOPICS)[number];

type Keywords = Readonly<Record<Topic, readonly string[]>>;

// Word lists are kept compact (several entries a line): one entry per line would triple the file.
// prettier-ignore
export const TOPIC_KEYWORDS_EN: Keywords = {
  fraud: [
    "fraud*", "scam*", "stolen", "theft", "identity theft", "phishing", "hacked", "suspicious", "unauthori*",
    "not mine", "skimm*",
  ],
  account_access: [
    "login*", "log in", "logged in", "sign in", "password*", "locked out", "locked", "lockout", "username",
    "verification", "verify", "2fa", "pin", "account access", "access my account", "reset",
  ],
  refund: [
    "refund*", "reimburs*", "money back", "chargeback*", "compensat*", "voucher*", "return my money",
  ],
  billing: [
    "bill", "bills", "billing", "billed", "invoice*", "statement*", "overcharg*", "charged", "double charged",
    "charged twice", "direct debit", "payment*", "balance",
  ],
  fees: [
    "fee", "fees", "surcharge*", "commission*", "penalt*", "interest rate", "overdraft", "late fee",
    "charges",
  ],
  price: [
    "price*", "pricing", "expensive", "overpriced", "cheap*", "value for money", "cost", "costs", "fare",
    "fares", "afford*",
  ],
  wait_time: [
    "wait", "waited", "waiting", "on hold", "hold time", "queue*", "queuing", "forever", "ages", "hours on",
    "callback", "call back", "long time",
  ],
  delay: ["delay*", "late", "postpon*", "missed connection", "missed my connection"],
  cancellation: ["cancel*", "rebook*"],
  staff_attitude: [
    "rude*", "polite*", "impolite", "friendl*", "unfriendly", "helpful", "unhelpful", "staff", "agent",
    "agents", "attitude", "courteous", "arrogant", "attentive", "crew", "employee*", "representative*",
    "advisor*", "adviser*", "manager", "dismissive", "condescending", "professional*", "unprofessional",
    "shouted", "yelled",
  ],
  technical_issue: [
    "app", "apps", "website", "site", "error*", "bug", "bugs", "crash*", "glitch*", "not working",
    "stopped working", "outage", "wifi", "wi fi", "internet", "system", "systems", "technical", "tech",
    "software", "update", "server",
  ],
  delivery: [
    "deliver*", "courier*", "parcel*", "package*", "shipping", "shipment*", "shipped", "tracking",
    "dispatch*", "postage", "arrived", "never arrived",
  ],
  baggage: [
    "bag", "bags", "baggage", "luggage", "suitcase*", "carousel", "lost luggage", "hand luggage",
  ],
  product_quality: [
    "quality", "defect*", "faulty", "broken", "damaged", "stopped working", "product*", "item", "items",
    "material", "durable", "flimsy",
  ],
  cleanliness: ["dirty", "clean*", "filthy", "smell*", "stink*", "toilet*", "lavator*", "hygien*"],
  food: [
    "food", "meal*", "drink*", "breakfast", "lunch", "dinner", "snack*", "catering", "menu", "coffee", "tea",
    "beverage*",
  ],
  seat_comfort: [
    "seat*", "legroom", "leg room", "cramped", "recline*", "comfort*", "uncomfortable",
  ],
  communication: [
    "email*", "e mail", "mail", "informed", "inform", "information", "notif*", "told", "explain*", "response",
    "responses", "respond*", "unresponsive", "reply", "replied", "replies", "no answer", "contact*",
    "communicat*", "letter*", "sms", "text message", "spoke", "speak", "updates",
  ],
  credit_reporting: [
    "credit report", "credit reports", "credit reporting", "your report", "my report", "credit score",
    "credit bureau", "credit file", "equifax", "experian", "transunion", "inquiry", "inquiries",
  ],
  debt_collection: ["debt*", "collector*", "collection agency", "collections", "owed"],
  loan_mortgage: ["loan*", "mortgage*", "foreclos*", "refinanc*", "escrow"],
};

// prettier-ignore
export const TOPIC_KEYWORDS_PL: Keywords = {
  fraud: [
    "oszust*", "oszuk*", "wyłudz*", "kradzie*", "skradzion*", "ukradzion*", "ukradl*", "ukradł*", "phishing*",
    "podejrzan*", "nieautoryzowan*", "włama*",
  ],
  account_access: [
    "logowa*", "zaloguj*", "zalogow*", "hasł*", "login*", "konto", "konta", "kontem", "koncie", "dostęp",
    "dostępu", "dostępem", "zablokow*", "blokad*", "weryfikac*", "pin", "autoryzac*",
  ],
  refund: [
    "zwrot*", "zwróc*", "zwroc*", "odszkodowan*", "rekompens*", "reklamac*", "zadośćuczyn*", "voucher*",
    "chargeback*",
  ],
  billing: [
    "rachun*", "faktur*", "płatnoś*", "zapłac*", "płaci*", "obciąż*", "saldo", "należnoś*", "przelew*",
    "abonament*",
  ],
  fees: ["opłat*", "prowizj*", "odset*", "kara umowna", "dopłat*"],
  price: [
    "cena", "ceny", "cenie", "cenę", "ceną", "cen", "cenow*", "cennik*", "drogo", "drogie", "drożej", "tani*",
    "koszt*", "przepłac*",
  ],
  wait_time: ["czeka*", "kolejk*", "oczekiwa*", "długo", "dłużej", "oddzwoni*", "godzinę czekania"],
  delay: ["opóźni*", "spóźni*", "zwłok*"],
  cancellation: ["anulow*", "odwoła*", "rezygnac*", "wypowiedzen*"],
  staff_attitude: [
    "obsług*", "pracowni*", "konsultant*", "personel*", "kelner*", "recepcj*", "sprzedaw*", "doradc*",
    "podejści*", "mił*", "niemił*", "uprzejm*", "nieuprzejm*", "chamsk*", "arogan*", "opryskliw*", "życzliw*",
    "kompetent*", "niekompetent*", "profesjonal*", "nieprofesjonal*", "załog*", "stewardes*",
  ],
  technical_issue: [
    "aplikacj*", "strona internetowa", "stronie internetowej", "strony internetowej", "www", "błąd", "błęd*",
    "awari*", "system*", "internet*", "połącze*", "zawiesza*", "nie działa", "techniczn*", "aktualizac*",
    "wifi", "serwer*",
  ],
  delivery: [
    "dostaw*", "dostarcz*", "kurier*", "przesył*", "paczk*", "paczkomat*", "wysyłk*", "wysła*", "doręcz*",
  ],
  baggage: ["bagaż*", "walizk*", "walizę"],
  product_quality: [
    "jakość", "jakości", "jakością", "wadliw*", "wada", "wady", "zepsu*", "uszkodz*", "popsu*", "produkt*",
    "towar", "towaru", "towarem", "towary", "towarów", "materiał*", "trwałoś*",
  ],
  cleanliness: ["brud*", "czyst*", "smród", "śmierd*", "toalet*", "łazienk*", "higien*"],
  food: [
    "jedzeni*", "posił*", "śniadani*", "obiad*", "kolacj*", "napoj*", "napój", "kawa", "kawy", "kawę", "kawą",
    "herbat*", "menu", "danie", "dania",
  ],
  seat_comfort: ["fotel*", "miejsce na nogi", "siedzeni*", "ciasn*", "niewygodn*", "wygodn*"],
  communication: [
    "informacj*", "poinformow*", "kontakt*", "odpowiedź", "odpowiedzi", "odpowiedzią", "odpowiedzieć",
    "odpowiedział*", "odpisa*", "mail*", "email*", "infolini*", "wiadomoś*", "sms*", "powiadom*",
    "komunikac*", "wyjaśni*", "list", "pismo", "pisma",
  ],
  credit_reporting: [
    "bik", "raport kredytowy", "historia kredytowa", "historii kredytowej", "scoring*",
  ],
  debt_collection: [
    "windykac*", "windykator*", "dług", "długu", "długów", "długiem", "zadłużen*", "komornik*",
  ],
  loan_mortgage: ["kredyt*", "pożyczk*", "hipote*", "rata", "raty", "rat"],
};
