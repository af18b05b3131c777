"""The numbers the reports show: target status, pathways, burden sharing, profiles, NATO against SIPRI, PPP, shortfall, revisions, and the words for them."""
