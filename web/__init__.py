"""nbkg.web"""
