"""Write side: loaders for each source and the atomic warehouse build (`python -m etl ...`)."""
