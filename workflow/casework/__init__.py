"""Casework after the front door: strategy discussions, section 47 enquiries, assessments,
conferences, plans, step down and step up."""
