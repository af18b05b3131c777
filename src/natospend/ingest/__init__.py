"""Reading the publishers' files (NATO, SIPRI, IMF workbooks and a researcher's CSV), checking them, and writing the dataset with its provenance."""
