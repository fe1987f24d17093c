/// The dashboard's one stylesheet, served from `/static/ronda.css` (the Content-Security-Policy
/// allows styles from this server only: no inline styles, no fonts or files from elsewhere).
enum Stylesheet {
    static let css = """
        :root { --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f7f8fa; --ok: #137333;
          --bad: #b42318; --warn: #b54708; --accent: #2f5bd3; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
          color: var(--ink); background: var(--bg); }
        nav.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .6rem 1rem;
          background: #fff; border-bottom: 1px solid var(--line); }
        nav.top .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
        nav.top ul { display: flex; flex-wrap: wrap; gap: .25rem .9rem; list-style: none; margin: 0; padding: 0; }
        nav.top a { color: var(--accent); text-decoration: none; }
        nav.top a.current { color: var(--ink); font-weight: 600; }
        nav.top form.logout { margin-left: auto; }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.4rem; margin: .4rem 0 1rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.1rem; margin: 1.4rem 0 .6rem; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .4rem 1rem 1rem;
          margin-bottom: 1rem; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem;
          margin-bottom: 1rem; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .8rem; }
        .card .value { font-size: 1.5rem; font-weight: 700; }
        .card .label { color: var(--muted); font-size: .85rem; }
        .card.bad .value { color: var(--bad); } .card.ok .value { color: var(--ok); }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        td { overflow-wrap: break-word; min-width: 3.5rem; }
        th { color: var(--muted); font-weight: 600; white-space: nowrap; }
        .badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600; }
        .badge.ok { background: #e6f4ea; color: var(--ok); } .badge.bad { background: #fdecea; color: var(--bad); }
        .badge.muted { background: #eef0f3; color: var(--muted); } .badge.warn { background: #fef0c7; color: var(--warn); }
        .empty, .muted { color: var(--muted); }
        pre { background: #f2f4f7; padding: .5rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap;
          overflow-wrap: anywhere; font-size: .8rem; max-height: 20rem; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 1rem; }
        figure.chart { margin: 0; } figure.chart svg { width: 100%; height: auto; display: block; }
        figure.chart figcaption { color: var(--muted); font-size: .8rem; }
        .bar-total { fill: #d0d5dd; } .bar-fail { fill: var(--bad); }
        .day-ok { fill: #12b76a; } .day-warn { fill: #f79009; } .day-bad { fill: var(--bad); } .day-none { fill: #e4e7ec; }
        svg.strip { width: 100%; height: auto; display: block; }
        text.axis { font-size: 11px; fill: var(--muted); }
        svg.waterfall { width: 100%; max-width: 300px; height: 16px; display: block; }
        .phase-dns { fill: #7a5af8; } .phase-connect { fill: #ee46bc; } .phase-tls { fill: #f79009; }
        .phase-wait { fill: #2e90fa; } .phase-transfer { fill: #12b76a; }
        details { margin: .3rem 0; } summary { cursor: pointer; overflow-wrap: anywhere; }
        .module { margin-bottom: 1rem; }
        form.inline { display: inline; }
        button { font: inherit; padding: .25rem .7rem; border: 1px solid var(--line); border-radius: 6px;
          background: #fff; color: var(--ink); cursor: pointer; }
        .login { max-width: 360px; margin: 3rem auto; background: #fff; border: 1px solid var(--line);
          border-radius: 8px; padding: 1.2rem; }
        .login label { display: block; margin: .6rem 0 .2rem; }
        .login input[type=text], .login input[type=password] { width: 100%; padding: .45rem; font: inherit;
          border: 1px solid var(--line); border-radius: 6px; }
        .login button { margin-top: 1rem; width: 100%; background: var(--accent); color: #fff; }
        .error { color: var(--bad); }
        .check.fail { color: var(--bad); }
        @media (max-width: 600px) { main { padding: .6rem; } .card .value { font-size: 1.2rem; }
          th, td { padding: .3rem; }
          .table-wrap table { min-width: 560px; } }
        """
}
