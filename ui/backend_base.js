window.__streamlit=Object.assign(window.__streamlit||{},{BACKEND_BASE_URL:location.origin+location.pathname.replace(/\/+$/,"").replace(/\/[^\/]*$/,"")})
