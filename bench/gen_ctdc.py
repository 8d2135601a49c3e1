#!/usr/bin/env python3
"""Write a CTDC-layout CSV of N synthetic victim records for benchmarks.

Rows are drawn from the joint distribution of the real CTDC subset in
shared/reference (year, gender, age band, citizenship, forced labour, sexual
exploitation, country of exploitation) and widened to the full release's
layout with the means-of-control, labour and sex-type flag columns, so the
file has the shape importers meet in practice.  Deterministic for a seed.

usage: gen_ctdc.py REFERENCE_CSV N OUT [SEED]
"""
import csv
import random
import sys

MEANS = ["DebtBondage", "TakesEarnings", "RestrictsFinancialAccess", "Threats",
         "PsychologicalAbuse", "PhysicalAbuse", "SexualAbuse", "FalsePromises",
         "PsychoactiveSubstances", "RestrictsMovement", "RestrictsMedicalCare",
         "ExcessiveWorkingHours", "UsesChildren", "ThreatOfLawEnforcement",
         "WithholdsNecessities", "WithholdsDocuments", "Other", "NotSpecified"]
LABOUR = ["Agriculture", "Aquafarming", "Begging", "Construction", "DomesticWork",
          "Hospitality", "IllicitActivities", "Manufacturing", "MiningOrDrilling",
          "Peddling", "Transportation", "Other", "NotSpecified"]
SEX = ["Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices"]


def main():
    ref, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 2020)
    with open(ref, newline="", encoding="utf-8") as f:
        base = list(csv.DictReader(f))
    header = (["Datasource", "yearOfRegistration", "gender", "ageBroad", "majorityStatus",
               "citizenship"] + ["meansOfControl" + m for m in MEANS] +
              ["isForcedLabour", "isSexualExploit", "isOtherExploit"] +
              ["typeOfLabour" + t for t in LABOUR] + ["typeOfSex" + s for s in SEX] +
              ["CountryOfExploitation"])
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for _ in range(n):
            b = rng.choice(base)
            age = b["ageBroad"]
            minor = "-" if age == "-" else ("Minor" if age in ("0--8", "9--17") else "Adult")
            known = rng.random() < 0.4
            means = [("1" if rng.random() < 0.2 else "0") if known else "-" for _ in MEANS]
            fl, se = b["isForcedLabour"], b["isSexualExploit"]
            labour = [("1" if rng.random() < 0.1 else "0") if fl == "1" else "-" for _ in LABOUR]
            sex = [("1" if rng.random() < 0.3 else "0") if se == "1" else "-" for _ in SEX]
            other = "-" if fl == "-" else ("1" if fl == "0" and se == "0" else "0")
            w.writerow(["Case Management" if rng.random() < 0.7 else "Hotline",
                        b["yearOfRegistration"], b["gender"], age, minor, b["citizenship"]] +
                       means + [fl, se, other] + labour + sex + [b["CountryOfExploitation"]])


if __name__ == "__main__":
    main()
