"""nbkg.data"""
