"""nbkg.loaders"""
