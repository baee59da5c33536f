"""The ICO release's columns and published vocabulary (docs/ARCHITECTURE.md, "The ICO release").

Used by the ETL to validate and to report unknown values, and by the app to check filter values from the URL
(the warehouse's own distinct values are the final word there: new ICO categories are kept, not rejected).
"""

from __future__ import annotations

# Source column -> warehouse column, in the file's order.
ICO_COLUMNS: dict[str, str] = {
    "BI Reference": "bi_reference",
    "Year": "year",
    "Quarter": "quarter",
    "Data Subject Type": "data_subject_type",
    "Data Type": "data_type",
    "Decision Taken": "decision",
    "Incident Category": "incident_category",
    "Incident Type": "incident_type",
    "No. Data Subjects Affected": "subjects_band",
    "Sector": "sector",
    "Time Taken to Report": "time_to_report",
}
ICO_SHEET = "in"
QUARTER_LABELS = {"Qtr 1": 1, "Qtr 2": 2, "Qtr 3": 3, "Qtr 4": 4}
FIRST_YEAR = 2019
FIRST_COMPARABLE = (2019, 2)  # the ICO's own totals start at Q2 2019
GDPR_START = "2018-05-25"

DATA_SUBJECT_TYPES = (
    "Children",
    "Customers or prospective customers",
    "Employees",
    "Patients",
    "Students",
    "Subscribers",
    "Users",
    "Vulnerable adults",
    "Unknown",
)
DATA_TYPES = (
    "Basic personal identifiers",
    "Criminal convictions or offences",
    "Data revealing racial or ethnic origin",
    "Economic and financial data",
    "Gender Reassignment Data",
    "Genetic or biometric data",
    "Health data",
    "Identification data",
    "Location data",
    "Official documents",
    "Political opinions",
    "Religious or philosophical beliefs",
    "Sex life data",
    "Sexual orientation data",
    "Trade union membership",
    "Unknown",
)
DECISIONS = (
    "Informal Action Taken",
    "Investigation Pursued",
    "No Further Action",
    "Not Yet Assigned",
    "Regulatory action taken",
)
INCIDENT_CATEGORIES = ("Cyber", "Non Cyber")
INCIDENT_TYPES = (
    "Alteration of personal data",
    "Brute Force",
    "Cryptographic flaw",
    "Data emailed to incorrect recipient",
    "Data of wrong data subject shown in client portal",
    "Data posted or faxed to incorrect recipient",
    "Denial of service",
    "Failure to redact",
    "Failure to use bcc",
    "Hardware/software misconfiguration",
    "Incorrect disposal of hardware",
    "Incorrect disposal of paperwork",
    "Loss/theft of device containing personal data",
    "Loss/theft of paperwork or data left in insecure location",
    "Malware",
    "Not Provided",
    "Other cyber incident",
    "Other non-cyber incident",
    "Phishing",
    "Ransomware",
    "Unauthorised access",
    "Verbal disclosure of personal data",
)
SUBJECTS_BANDS = ("1 to 9", "10 to 99", "100 to 1k", "1k to 10k", "10k to 100k", "100k and above", "Unknown")
SECTORS = (
    "Central Government",
    "Charitable and voluntary",
    "Education and childcare",
    "Finance, insurance and credit",
    "General business",
    "Health",
    "Justice",
    "Land or property services",
    "Legal",
    "Local government",
    "Marketing",
    "Media",
    "Membership association",
    "Online Technology and Telecoms",
    "Political",
    "Regulators",
    "Religious",
    "Retail and manufacture",
    "Social care",
    "Transport and leisure",
    "Utilities",
    "Unassigned",
    "Unknown",
)
TIME_TO_REPORT = ("Less than 24 hours", "24 hours to 72 hours", "72 hours to 1 week", "More than 1 week")
WITHIN_72_HOURS = ("Less than 24 hours", "24 hours to 72 hours")

# Known values per warehouse column (ordered as the ICO orders them, used for sorting bands).
KNOWN_VALUES: dict[str, tuple[str, ...]] = {
    "data_subject_type": DATA_SUBJECT_TYPES,
    "data_type": DATA_TYPES,
    "decision": DECISIONS,
    "incident_category": INCIDENT_CATEGORIES,
    "incident_type": INCIDENT_TYPES,
    "subjects_band": SUBJECTS_BANDS,
    "sector": SECTORS,
    "time_to_report": TIME_TO_REPORT,
}

# Splits a user can break incident counts down by (warehouse column -> label shown).
BREAKDOWNS: dict[str, str] = {
    "incident_category": "Incident category",
    "incident_type": "Incident type",
    "subjects_band": "Data subjects affected",
    "time_to_report": "Time taken to report",
    "decision": "Decision taken",
}

ICO_PUBLISHER = "Information Commissioner's Office"
ICO_TITLE = "Data security incident trends"
ICO_LANDING_PAGE = (
    "https://ico.org.uk/action-weve-taken/complaints-and-concerns-data-sets/data-security-incident-trends/"
)
OGL = "Open Government Licence v3.0"
