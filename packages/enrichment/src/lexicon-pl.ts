import type { SentimentLexicon } from "./lexicon-types";

/**
 * Polish CX sentiment lexicon, written by hand for Pulse. Values −3..3.
 * A key ending in "*" is a stem matched as a prefix (Polish inflects: "polec*" covers polecam,
 * polecić, polecany); other keys are exact word forms, used where a stem would catch unrelated
 * words ("dobry" but not "dobrać", "wada" but not "wadze"). Keys with spaces are phrases.
 * Adjectives negated by a joined "nie-" (niemiły) are listed where common; the scorer also falls
 * back to "nie" + stem for the rest.
 */
// Word lists are kept compact (several entries a line): one entry per line would triple the file.
// prettier-ignore
const words: Record<string, number> = {
  // — positive: recommendation and overall judgement
  "polec*": 2, "godn*": 1, "świetn*": 3, super: 2, "superow*": 2, "doskonał*": 3, "znakomic*": 3,
  "znakomit*": 3, "wspaniał*": 3, "rewel*": 3, "fantastycz*": 3, "genialn*": 3, "cudown*": 3, "idealn*": 2,
  "perfekc*": 3, "bezbłędn*": 2, "najlepsz*": 3, najlepiej: 2, "lepsz*": 1, lepiej: 1, dobry: 2, dobra: 2,
  dobre: 2, dobrego: 2, dobrej: 2, dobrym: 2, dobrych: 2, dobrzy: 2, dobrze: 2, dobrą: 2, dobremu: 2,
  "fajn*": 2, ekstra: 2, "pozytywn*": 2, "udan*": 1, "satysfakc*": 2, "zadowol*": 2, "zadowal*": 1,
  "zachwyc*": 3, "zachwyt*": 3, warto: 2, wart: 1, warta: 1, warte: 1, "solidn*": 1, "niezawodn*": 2,
  "mistrz*": 2, "wyborn*": 2, "trafn*": 1, "zalet*": 1, plus: 1, plusy: 1, "sukces*": 1, brawo: 2,
  "gratul*": 1, "ulubion*": 1, "lubi*": 1, "kocha*": 2, "radoś*": 2, "radosn*": 2, "ciesz*": 1, "uśmiech*": 1,
  "wdzięczn*": 2, "dziękuj*": 1, dzięki: 1, "podziękowa*": 1, "ulg*": 1, "zaufan*": 1, "uczciw*": 2,
  "szczer*": 1,
  // — positive: staff attitude and competence
  "mił*": 2, "sympatycz*": 2, "uprzejm*": 2, "życzliw*": 2, "pomocn*": 2, "pomog*": 1, pomógł: 1,
  "profesjonal*": 2, "kompetent*": 2, "kompetencj*": 1, "rzeczow*": 1, "konkretn*": 1, "fachow*": 2,
  "rzeteln*": 2, "sumienn*": 2, "dokładn*": 1, "cierpliw*": 2, "troskliw*": 2, "opiekuńcz*": 2,
  "wyrozumiał*": 2, "zaangażowan*": 2, "serdeczn*": 2, "przyjazn*": 2, "empati*": 2, "kulturaln*": 1,
  "grzeczn*": 1, "dba*": 1, "szacun*": 1, "szacunk*": 1, "wyjaśni*": 1, "rozwiąza*": 1, "wyleczy*": 1,
  "wyleczon*": 1, "zrozumiał*": 1, "przystępn*": 1, "przejrzyst*": 1, "jasn*": 0.5, "ciekaw*": 1,
  "interesując*": 1, "wyczerpując*": 1, "odpowiedn*": 1, "ciepł*": 1, "spokojn*": 1, "słucha*": 1,
  "wysłucha*": 1, "potrafi*": 0.5, "poświęci*": 1, "zainteresowa*": 1, "współczu*": 1, "kultur*": 0.5,
  "zbada*": 0.5,
  // — positive: speed, comfort, quality, price
  "szybk*": 1, "sprawn*": 2, "skuteczn*": 2, "bezproblem*": 2, "punktualn*": 2, "terminow*": 1,
  "bezpieczn*": 1, "przyjemn*": 2, "komfort*": 2, "wygodn*": 2, "przytul*": 1, "przestronn*": 1, "czyst*": 1,
  "czyściutk*": 2, "schludn*": 1, "zadban*": 1, "nowoczesn*": 1, "elegan*": 1, "smaczn*": 2, "pyszn*": 2,
  "piękn*": 2, "ładn*": 1, "atrakcyjn*": 1, "korzystn*": 1, "tani*": 1, "wydajn*": 1, "wytrzymał*": 1,

  // — negative: overall judgement
  "fataln*": -3, "okropn*": -3, "straszn*": -2, "koszmar*": -3, "tragiczn*": -3, "tragedi*": -2,
  "beznadziej*": -3, "żenując*": -3, "żenad*": -3, "skandal*": -3, "porażk*": -2, "masakr*": -2,
  "dramat*": -1, "najgorsz*": -3, "gorsz*": -2, gorzej: -2, zły: -2, zła: -2, złe: -2, złego: -2, złej: -2,
  złym: -2, złych: -2, źle: -2, złą: -2, źli: -2, złemu: -2, zło: -1, "słab*": -2, "kiepsk*": -2, "marn*": -2,
  "przeciętn*": -1, "nijak*": -1, średnio: -1, "miern*": -2, nuda: -1, "nudn*": -1, "bezużyteczn*": -2,
  "bezsens*": -2, "bezradn*": -1, "absurd*": -2, "kpin*": -2, "karygodn*": -3, "haniebn*": -3,
  "niedopuszczaln*": -3, wstyd: -2, "obrzydliw*": -3, "ohydn*": -3, "paskudn*": -2, "tandet*": -2,
  "bubl*": -2, bubel: -2, "szajs*": -3, "badziew*": -3, "negatywn*": -2, "rozczarow*": -2, "zawiedzion*": -2,
  "zawiod*": -2, "niezadowol*": -2, "niezadowal*": -2, żal: -1, szkoda: -1, strata: -1, straty: -1,
  stratą: -1, stratę: -1, "strac*": -1, "zmarnow*": -2, "marnow*": -2, niestety: -1.5, "unikaj*": -2,
  unikać: -1, "omijaj*": -2, "ostrzega*": -2, "uciekaj*": -2, "niewart*": -2,
  // — negative: staff attitude
  "niemił*": -2, "nieuprzejm*": -2, "niekompetent*": -3, "nieprofesjonal*": -3, "opryskliw*": -3,
  "arogan*": -3, "chamsk*": -3, cham: -3, "chamstw*": -3, "niegrzeczn*": -2, "bezczel*": -3, "wredn*": -3,
  "obojętn*": -1, "lekceważ*": -2, "zlekceważ*": -2, "ignor*": -2, "zignor*": -2, "olewa*": -2, "olał*": -2,
  "olewcz*": -3, "zbywa*": -1, "nieprzyjemn*": -2, "niesympatycz*": -2, "nieprzyjaz*": -2,
  "niekulturaln*": -2, "krzycz*": -2, "krzyk*": -2, "wyśmia*": -2, "nachaln*": -2, "natarczyw*": -2,
  "agresyw*": -2, "denerw*": -2, "zdenerwow*": -2, "wkurz*": -3, "wkurw*": -3, "iryt*": -2, "frustr*": -2,
  "kłam*": -2, "nieprawd*": -1, "nieuczciw*": -3, "oszu*": -3, "naciąga*": -2, "naciągn*": -2,
  "złodziej*": -3, "wyłudz*": -2, "ściem*": -2, "niestaran*": -2, "pobieżn*": -2, "niedbal*": -2,
  "niechlujn*": -2, "zaniedb*": -2, "opieszał*": -2, "nieudoln*": -2, "nieprzygotow*": -2, "niedokładn*": -2,
  "nierzeteln*": -2, "niesłown*": -2, "niestosown*": -2, "niezrozumiał*": -2, "gburowat*": -2, "kpi*": -2,
  "roztargn*": -1, "zapomina*": -1, "zapomn*": -1, "powierzchown*": -2, "spiesz*": -1, "pospiesz*": -1,
  "niepokoj*": -1, "dziwn*": -1, "strasz*": -1.5, "lakoniczn*": -1, "ziryt*": -2, "oburz*": -2,
  "niewyraźn*": -1, "przeoczy*": -2, "odradza*": -3, "nietrafion*": -2, "bezduszn*": -3, "nieczuł*": -2,
  // — negative: process, waiting, defects, price, comfort
  "problem*": -1, "kłopot*": -1, błąd: -1, "błęd*": -1, "pomył*": -1, "awari*": -2, "zepsu*": -2,
  "popsu*": -2, "uszkodz*": -2, "wadliw*": -2, wada: -1, wady: -1, wadą: -1, "reklamac*": -1, "skarg*": -1,
  "zażalen*": -1, "kolejk*": -1, "czeka*": -1, długo: -1, dłużej: -1, "powoln*": -1, "opóźni*": -2,
  "spóźni*": -2, "zwłok*": -1, "pośpiech*": -1, "nieporozumien*": -1, "chaos*": -2, "bałagan*": -2,
  "zagubi*": -1, "zgubi*": -2, "zniszcz*": -2, "odmów*": -1, "odmow*": -1, "odrzuc*": -1, "nieczynn*": -2,
  "niesprawn*": -2, "nieskuteczn*": -2, "niepunktualn*": -2, "nieterminow*": -2, "nieudan*": -2,
  "niekorzystn*": -2, "nieodpowiedn*": -2, "niepotrzebn*": -1, "nieprzydatn*": -2, "niebezpieczn*": -2,
  brak: -0.5, braki: -0.5, brakuje: -0.5, drogo: -1, drożej: -1, "przepłac*": -2, "zdzierst*": -3,
  "zawyżon*": -2, "horrendaln*": -2, "brud*": -2, "śmierd*": -2, smród: -2, "smrod*": -2, "hałas*": -1,
  "głośn*": -1, "zimn*": -1, "ciasn*": -1, "niewygodn*": -2, "niekomfortow*": -2, "dyskomfort*": -1,
  "niedobr*": -2, "niesmaczn*": -2, "nieśwież*": -2,
};

// prettier-ignore
const phrases: Record<string, number> = {
  "nie polecam": -3, "nie warto": -2, "nigdy więcej": -3, "strata czasu": -3, "szkoda czasu": -3,
  "szkoda pieniędzy": -3, "wyrzucone pieniądze": -3, "nie działa": -2, "nie odbiera": -2, "bez problemu": 1.5,
  "bez problemów": 1.5, "bez zarzutu": 2, "na plus": 1, "na minus": -1, "w porządku": 1,
  "z czystym sumieniem": 2, "nie do przyjęcia": -3, "nie ma problemu": 1,
};

// prettier-ignore
export const LEXICON_PL: SentimentLexicon = {
  words, phrases,
  negators: [
    "nie", "bez", "brak", "brakuje", "nigdy", "ani", "żaden", "żadna", "żadne", "żadnego", "żadnej",
    "żadnych", "nic", "nikt", "niczego", "mało", "zero",
  ],
  intensifiers: {
    bardzo: 1.5, naprawdę: 1.4, niezwykle: 1.6, wyjątkowo: 1.5, szczególnie: 1.3, absolutnie: 1.6,
    totalnie: 1.5, kompletnie: 1.5, całkowicie: 1.5, zupełnie: 1.4, strasznie: 1.5, mega: 1.5, ogromnie: 1.5,
    niesamowicie: 1.6, niezmiernie: 1.5, zdecydowanie: 1.4, wybitnie: 1.5, najbardziej: 1.5, bardziej: 1.2,
    ogólnie: 1, trochę: 0.6, nieco: 0.6, dość: 0.8, dosyć: 0.8, raczej: 0.7, lekko: 0.6,
  },
  contrasts: ["ale", "lecz", "jednak", "jednakże", "natomiast"],
  joinedNegationPrefix: "nie",
};
