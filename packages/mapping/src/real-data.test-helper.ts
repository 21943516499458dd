/**
 * The real datasets for tests: read from PULSE_DATA_DIR (default <repo>/../shared/data), never
 * copied into the repo. When a file is absent, tests run on the inline sample below: the same
 * format and the first rows of the real file (plus the rows the assertions name), so the same
 * assertions hold in both modes.
 */
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ByteSource } from "./row-reader";

export const DATA_DIR = process.env.PULSE_DATA_DIR ?? fileURLToPath(new URL("../../../../shared/data", import.meta.url));

export const BANK_FILE = "anonymous_bank_callcenter_1999_february.txt";
export const CFPB_FILE = "cfpb_complaints_sample.csv";
export const SKYTRAX_FILE = "ba_skytrax_reviews.csv";

const BANK_HEADER = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver";
const crlf = (lines: string[]) => `${lines.join("\r\n")}\r\n`;

const SAMPLES: Record<string, string> = {
  [BANK_FILE]: crlf([
    BANK_HEADER,
    "AA0101\t34536\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",
    "AA0101\t34537\t0\t0\tPS\t990201\t7:31:45\t7:31:55\t10\t0:00:00\t0:00:00\t0\tAGENT\t7:31:54\t7:31:59\t5\tNO_SERVER",
    "AA0101\t34538\t0\t0\tNW\t990201\t7:54:38\t7:54:51\t13\t0:00:00\t0:00:00\t0\tAGENT\t7:54:49\t7:56:21\t92\tTOVA",
    "AA0101\t34539\t23317894\t2\tPS\t990201\t8:09:16\t8:09:22\t6\t8:09:22\t8:09:27\t5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    "AA0101\t34645\t24442634\t2\tPS\t990202\t13:13:33\t13:13:42\t9\t13:13:42\t13:14:12\t30\tPHANTOM\t13:13:40\t13:14:18\t38\tNO_SERVER",
    "AA0101\t34872\t6.02701E+11\t0\tPE\t990205\t9:19:25\t9:19:31\t6\t9:19:31\t9:19:51\t20\tAGENT\t9:19:31\t9:27:04\t453\tDORIT",
  ]),
  [CFPB_FILE]: [
    "Archive:  /Users/hvo/Downloads/complaints.csv.zip",
    "  inflating: complaints.csv          ",
    "Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,Company public response,Company,State,ZIP code,Tags,Consumer consent provided?,Submitted via,Date sent to company,Company response to consumer,Timely response?,Consumer disputed?,Complaint ID",
    '2020-03-18,"Credit reporting, credit repair services, or other personal consumer reports",Credit reporting,Incorrect information on your report,Information belongs to someone else,,Company has responded to the consumer and the CFPB and chooses not to provide a public response,"TRANSUNION INTERMEDIATE HOLDINGS, INC.",FL,330XX,,Other,Web,2020-03-18,Closed with explanation,Yes,N/A,3571115',
    '2019-09-24,Debt collection,I do not know,Attempts to collect debt not owed,Debt is not yours,"transworld systems inc. \nis trying to collect a debt that is not mine, not owed and is inaccurate.",,TRANSWORLD SYSTEMS INC,FL,335XX,,Consent provided,Web,2019-09-24,Closed with explanation,Yes,N/A,3384392',
    '2019-09-19,"Credit reporting, credit repair services, or other personal consumer reports",Credit reporting,Incorrect information on your report,Information belongs to someone else,,Company has responded to the consumer and the CFPB and chooses not to provide a public response,Experian Information Solutions Inc.,PA,15206,,Consent not provided,Web,2019-09-20,Closed with non-monetary relief,Yes,N/A,3379500',
    "",
  ].join("\n"),
  [SKYTRAX_FILE]: [
    "header,author,date,place,content,aircraft,traveller_type,seat_type,route,date_flown,recommended,trip_verified,rating,seat_comfort,cabin_staff_service,food_beverages,ground_service,value_for_money,entertainment",
    'service was mediocre at best,Gary Storer,03/10/2023,United Kingdom," Just returned from Chicago, flew out 10 days ago on American Airlines absolutely superb in every way, had high expectations on return flight with BA.",A380,Couple Leisure,Economy Class,Chicago to Manchester via Heathrow,01/10/2023,no,Not Verified,2,2,3,1,2,2,-1',
    'BA standards continue to decline,A Jensen,02/10/2023,United Kingdom,"  BA standards continue to decline every time I fly with them.",A320,Business,Business Class,London Heathrow to Munich,01/09/2023,no,Verified,2,2,1,2,1,1,-1',
    '"won the race to the bottom"" ",John Rockett,02/10/2023,United Kingdom,"  Awful. Business class check in queue just as long as for economy.",A320,Couple Leisure,Business Class,Heathrow to Istanbul,01/09/2023,no,Not Verified,2,2,3,2,1,1,-1',
    "",
  ].join("\n"),
};

export interface DataSource {
  real: boolean;
  open(): ByteSource;
}

/** The real file when present, else its inline sample (delivered in small chunks, to exercise chunk boundaries). */
export function dataSource(file: string): DataSource {
  const path = join(DATA_DIR, file);
  if (existsSync(path)) return { real: true, open: () => createReadStream(path, { highWaterMark: 64 * 1024 }) };
  const sample = SAMPLES[file];
  if (sample === undefined) throw new Error(`no inline sample for ${file}`);
  return {
    real: false,
    open: () => {
      const bytes = Buffer.from(sample, "utf8");
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += 97) chunks.push(bytes.subarray(i, i + 97));
      return chunks;
    },
  };
}
