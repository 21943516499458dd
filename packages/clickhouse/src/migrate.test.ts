import { describe, expect, it } from "vitest";
import { splitStatements } from "./migrate";

describe("splitStatements", () => {
  it("splits on semicolons that end a line and drops comment lines", () => {
    const sql = "-- a table\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n\n-- a view\nCREATE VIEW v AS SELECT ';' AS s FROM a;\n";
    expect(splitStatements(sql)).toEqual(["CREATE TABLE a (x UInt8) ENGINE = Memory", "CREATE VIEW v AS SELECT ';' AS s FROM a"]);
  });
  it("accepts a last statement without a semicolon", () => {
    expect(splitStatements("SELECT 1")).toEqual(["SELECT 1"]);
  });
});
