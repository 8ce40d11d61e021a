//! The wasm facade in a real browser: values in and out are plain JSON, and
//! failures arrive as JS errors carrying the core's message.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Error, JsString, Object, Reflect, JSON};
use roleswitch::wasm_api as api;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON parses")
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value).map(String::from).unwrap_or_default()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).expect("property readable")
}

fn error_message(err: wasm_bindgen::JsError) -> String {
    let value: JsValue = err.into();
    let error: &Error = value.dyn_ref().expect("a JS Error");
    String::from(error.message())
}

/// True when `value` round-trips through JSON unchanged: no Map, no undefined.
fn is_plain_json(value: &JsValue) -> bool {
    let text = stringify(value);
    stringify(&json(&text)) == text && !has_map(value)
}

fn has_map(value: &JsValue) -> bool {
    if value.is_instance_of::<js_sys::Map>() {
        return true;
    }
    if let Some(array) = value.dyn_ref::<Array>() {
        return array.iter().any(|v| has_map(&v));
    }
    if value.is_object() {
        let obj: &Object = value.unchecked_ref();
        return Object::values(obj)
            .iter()
            .any(|v| has_map(&v) || v.is_undefined());
    }
    false
}

#[wasm_bindgen_test]
fn validate_returns_plain_json_environment() {
    let input =
        json(r#"{"accountId":"1111-2222-3333","displayName":"<b>test</b>","color":"Green"}"#);
    let out = api::validate_environment_js(input, "id-1").expect("no exception");
    assert!(is_plain_json(&out), "{}", stringify(&out));
    assert_eq!(get(&out, "ok"), JsValue::TRUE);
    let env = get(&out, "environment");
    assert_eq!(get(&env, "accountId"), "111122223333");
    assert_eq!(get(&env, "displayName"), "<b>test</b>");
    assert_eq!(get(&env, "color"), "#b7ca9d");
    assert_eq!(get(&env, "roleName"), "OrganizationAccountAccessRole");
    assert!(
        get(&env, "region").is_undefined(),
        "absent options are left out, not null"
    );
}

#[wasm_bindgen_test]
fn field_errors_are_data() {
    let input = json(r#"{"accountId":"123","displayName":"","color":"red;}"}"#);
    let out = api::validate_environment_js(input, "id-1").expect("no exception");
    assert_eq!(get(&out, "ok"), JsValue::FALSE);
    let errors: Array = get(&out, "errors").dyn_into().expect("array");
    let fields: Vec<String> = errors
        .iter()
        .map(|e| get(&e, "field").as_string().unwrap_or_default())
        .collect();
    assert_eq!(fields, ["accountId", "displayName", "color"]);
    assert!(stringify(&errors).contains("must be 12 digits; it has 3"));
}

#[wasm_bindgen_test]
fn wrong_shapes_are_js_errors_with_the_rust_message() {
    let err = api::validate_environment_js(json(r#"{"accountId": 42}"#), "x")
        .expect_err("a number is not a string");
    let message = error_message(err);
    assert!(message.starts_with("environment:"), "{message}");

    let err = api::plan_switch_js(json("[]"), "missing").expect_err("no such environment");
    assert_eq!(
        error_message(err),
        r#"There is no environment with id "missing"."#
    );

    let err = api::StoredList::read(json(r#"{"envs":{"version":99,"chunks":0,"revision":1}}"#))
        .err()
        .expect("newer format");
    assert!(error_message(err).contains("newer version of the extension"));
}

#[wasm_bindgen_test]
fn save_plan_switch_banner_and_storage_round_trip() {
    let input = json(r#"{"accountId":"444455556666","displayName":"prod","production":true}"#);
    let saved = api::save_environment(json("[]"), input, "p1").expect("saved");
    let list = get(&saved, "environments");
    assert_eq!(Array::from(&list).length(), 1);

    let plan = api::plan_switch_js(list.clone(), "p1").expect("plan");
    assert!(is_plain_json(&plan));
    let url: String = get(&plan, "url").as_string().unwrap_or_default();
    assert!(url.starts_with("https://signin.aws.amazon.com/switchrole?account=444455556666&roleName=OrganizationAccountAccessRole"), "{url}");

    let signals = json(
        r#"{"sessionData":"{\"accountId\":\"444455556666\",\"sessionARN\":\"arn:aws:sts::444455556666:assumed-role/OrganizationAccountAccessRole/me\"}"}"#,
    );
    let banner = api::banner_for_page_js(list.clone(), signals).expect("banner");
    assert_eq!(get(&banner, "level"), "production");
    assert_eq!(get(&banner, "account"), "4444-5555-6666");
    let none = api::banner_for_page_js(
        list.clone(),
        json(r#"{"host":"us-east-1.console.aws.amazon.com"}"#),
    )
    .expect("ok");
    assert!(none.is_null());

    let mut stored = api::StoredList::read(json("{}")).expect("empty area");
    stored
        .apply(json("[]"), list.clone(), "browser-a", 1.0)
        .expect("applied");
    let quota = json(r#"{"quotaBytes":102400,"quotaBytesPerItem":8192,"maxItems":512}"#);
    let plan = stored.plan(quota, json("[]"), 1.0).expect("write plan");
    assert!(is_plain_json(&plan));
    assert_eq!(get(&plan, "area"), "sync");
    let read = api::StoredList::read(get(&plan, "set")).expect("read back");
    let view = read.view().expect("view");
    assert!(is_plain_json(&view));
    assert_eq!(stringify(&get(&view, "environments")), stringify(&list));
    assert_eq!(read.stored_checksum(), stored.checksum());
}

#[wasm_bindgen_test]
fn small_helpers() {
    assert_eq!(api::format_account_id_js("111122223333"), "1111-2222-3333");
    let colors: Array = api::aws_colors()
        .expect("colors")
        .dyn_into()
        .expect("array");
    assert_eq!(colors.length(), 5);
    let searcher =
        api::Searcher::new(api::example_environments_js().expect("examples")).expect("index");
    assert_eq!(searcher.search("prod", vec![]), vec![1]);
    assert_eq!(searcher.search("", vec![1]), vec![1, 0]);
    let marks = searcher.highlight(1, "prod").expect("highlight");
    assert_eq!(
        stringify(&get(&marks, "displayName")),
        r#"[{"start":0,"end":4}]"#
    );
    assert_eq!(JsString::from(api::version()), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn import_detects_parses_plans_and_reports_errors_as_data() {
    let ini = "[profile dev]\naws_account_id = 111122223333\nrole_name = Dev\n\n[profile bad]\naws_account_id = 123\nrole_name = Dev\n";
    let parsed = api::parse_import(ini, JsValue::NULL, JsValue::NULL).expect("no exception");
    assert!(is_plain_json(&parsed), "{}", stringify(&parsed));
    assert_eq!(get(&parsed, "ok"), JsValue::FALSE);
    assert_eq!(get(&parsed, "format"), "aesrIni");
    let errors: Array = get(&parsed, "errors").dyn_into().expect("array");
    assert_eq!(errors.length(), 1);
    assert_eq!(
        get(&errors.get(0), "text"),
        r#"line 6, profile "bad": Account ID "123" must be 12 digits; it has 3."#
    );

    let good = api::parse_import(
        &ini[..ini.find("[profile bad]").unwrap_or(0)],
        JsValue::NULL,
        JsValue::NULL,
    )
    .expect("parsed");
    assert_eq!(get(&good, "ok"), JsValue::TRUE);
    // The success object is written by hand around the list: the same keys as the failure one.
    assert!(is_plain_json(&good), "{}", stringify(&good));
    assert_eq!(get(&good, "format"), "aesrIni");
    assert!(Array::is_array(&get(&good, "warnings")));
    assert!(Array::is_array(&get(&good, "errors")));
    assert_eq!(Array::from(&get(&good, "errors")).length(), 0);
    let incoming = get(&good, "environments");
    let plan = api::plan_import_js(json("[]"), incoming.clone(), JsValue::from_str("merge"))
        .expect("plan");
    assert_eq!(Array::from(&get(&plan, "added")).length(), 1);
    assert_eq!(
        get(&api::validate_list(incoming.clone()).expect("ok"), "ok"),
        JsValue::TRUE
    );

    let unknown = api::parse_import("hello", JsValue::NULL, JsValue::NULL).expect("no exception");
    assert!(get(&unknown, "format").is_null());
    assert!(stringify(&get(&unknown, "errors")).contains("Could not tell what this is"));

    let err = api::export_list(incoming.clone(), JsValue::from_str("organizations"))
        .expect_err("import only");
    assert!(!error_message(err).is_empty());
    let policy = api::iam_policy(incoming, json(r#"{"requireMfa":false}"#)).expect("policy");
    assert!(
        policy.contains("arn:aws:iam::111122223333:role/Dev"),
        "{policy}"
    );
    assert!(!policy.contains("MultiFactor"));
}

#[wasm_bindgen_test]
fn banner_lookup_and_settings_are_plain_json() {
    let list = api::example_environments_js().expect("examples");
    for settings in [
        JsValue::NULL,
        JsValue::UNDEFINED,
        json(r#"{"position":"bottom"}"#),
    ] {
        let lookup = api::banner_lookup_js(list.clone(), settings).expect("lookup");
        assert!(is_plain_json(&lookup), "{}", stringify(&lookup));
        let prod = get(&get(&get(&lookup, "accounts"), "444455556666"), "*");
        assert_eq!(get(&prod, "level"), "production");
        assert_eq!(get(&prod, "titlePrefix"), "[PROD] ");
        assert_eq!(get(&prod, "badgeText"), "PROD");
    }
    let checked = api::check_banner_settings_js(json(r#"{"compact":"yes","position":"bottom"}"#))
        .expect("ok");
    assert!(is_plain_json(&checked));
    let settings = get(&checked, "settings");
    assert_eq!(get(&settings, "position"), "bottom");
    assert_eq!(get(&settings, "compact"), JsValue::FALSE);
    assert_eq!(Array::from(&get(&checked, "repairs")).length(), 1);
    let err = api::banner_lookup_js(json(r#"[{"id":1}]"#), JsValue::NULL).expect_err("bad list");
    assert!(error_message(err).starts_with("environment list"));
}

/// A list of two: `dev` (base: account 999988887777, role Admin) and `gov`
/// (GovCloud by its region).
fn switching_list() -> JsValue {
    let dev = json(
        r#"{"accountId":"111122223333","roleName":"Dev","displayName":"dev",
            "base":{"accountId":"9999-8888-7777","roleName":"Admin"}}"#,
    );
    let saved = api::save_environment(json("[]"), dev, "dev").expect("dev saved");
    let gov = json(r#"{"accountId":"444455556666","displayName":"gov","region":"us-gov-west-1"}"#);
    let saved = api::save_environment(get(&saved, "environments"), gov, "gov").expect("gov saved");
    get(&saved, "environments")
}

/// A console page's context as the background hands it to `planConsoleSwitch`.
fn console_page(url: &str, prism: bool, csrf: Option<&str>) -> JsValue {
    let session = serde_json::json!({
        "accountId": "999988887777",
        "sessionARN": "arn:aws:sts::999988887777:assumed-role/Admin/alice",
        "signInEndpoint": "https://signin.aws.amazon.com",
        "prismModeEnabled": prism,
        "sessionDifferentiator": "abcd1234",
    });
    let page = serde_json::json!({
        "url": url,
        "signals": { "sessionData": session.to_string() },
        "csrf": csrf,
    });
    json(&page.to_string())
}

/// Settings as `readSettings` returns them (what the popup passes on).
fn default_settings() -> JsValue {
    get(
        &api::read_settings_js(JsValue::NULL, JsValue::NULL).expect("defaults"),
        "settings",
    )
}

const CLASSIC: &str = "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1";

#[wasm_bindgen_test]
fn console_switch_plans_are_plain_json_of_each_kind() {
    let list = switching_list();

    let form = api::plan_console_switch_js(
        list.clone(),
        "dev",
        console_page(CLASSIC, false, Some("tok")),
    )
    .expect("form plan");
    assert!(is_plain_json(&form), "{}", stringify(&form));
    assert_eq!(get(&form, "kind"), "form");
    assert_eq!(
        get(&form, "action"),
        "https://signin.aws.amazon.com/switchrole"
    );
    let fields = get(&form, "fields");
    assert_eq!(get(&fields, "csrf"), "tok");
    assert_eq!(get(&fields, "account"), "111122223333");
    assert_eq!(get(&fields, "roleName"), "Dev");
    assert_eq!(get(&fields, "action"), "switchFromBasis");

    let session = api::plan_console_switch_js(
        list.clone(),
        "dev",
        console_page(
            "https://999988887777-abcd1234.us-east-1.console.aws.amazon.com/console/home",
            true,
            None,
        ),
    )
    .expect("session plan");
    assert!(is_plain_json(&session), "{}", stringify(&session));
    assert_eq!(get(&session, "kind"), "session");
    assert_eq!(
        get(&session, "url"),
        "https://signin.aws.amazon.com/sessions/abcd1234/v1/switchrole"
    );
    assert_eq!(get(&get(&session, "body"), "roleName"), "Dev");

    // No token: the switch-role page, with the reason; never a form with an empty token.
    for csrf in [None, Some(""), Some("  ")] {
        let page =
            api::plan_console_switch_js(list.clone(), "dev", console_page(CLASSIC, false, csrf))
                .expect("page plan");
        assert!(is_plain_json(&page), "{}", stringify(&page));
        assert_eq!(get(&page, "kind"), "page", "{csrf:?}");
        let reason = get(&page, "fallbackReason").as_string().unwrap_or_default();
        assert!(reason.contains("CSRF token"), "{reason}");
        assert!(get(&page, "fields").is_undefined());
    }

    // Another partition: the environment's own switch-role page.
    let gov = api::plan_console_switch_js(
        list.clone(),
        "gov",
        console_page(CLASSIC, false, Some("tok")),
    )
    .expect("page plan");
    assert_eq!(get(&gov, "kind"), "page");
    let url = get(&gov, "url").as_string().unwrap_or_default();
    assert!(
        url.starts_with("https://signin.amazonaws-us-gov.com/switchrole?"),
        "{url}"
    );

    let err = api::plan_console_switch_js(list.clone(), "nope", console_page(CLASSIC, false, None))
        .expect_err("no such environment");
    assert_eq!(
        error_message(err),
        r#"There is no environment with id "nope"."#
    );
    let err = api::plan_console_switch_js(list, "dev", json(r#"{"url": 5}"#))
        .expect_err("a number is not a URL");
    assert!(error_message(err).starts_with("console page:"));
}

#[wasm_bindgen_test]
fn destinations_are_checked_and_refusals_are_data() {
    let list = switching_list();
    let ok = api::check_destination_js(
        list.clone(),
        "dev",
        "https://111122223333-x.us-east-1.console.aws.amazon.com/console/home",
    )
    .expect("checked");
    assert!(is_plain_json(&ok), "{}", stringify(&ok));
    assert_eq!(get(&ok, "ok"), JsValue::TRUE);
    assert!(get(&ok, "message").is_undefined());

    let empty = api::check_destination_js(list.clone(), "dev", "").expect("checked");
    assert!(is_plain_json(&empty), "{}", stringify(&empty));
    assert_eq!(get(&empty, "ok"), JsValue::FALSE);
    assert!(get(&empty, "url").is_undefined());
    let message = get(&empty, "message").as_string().unwrap_or_default();
    assert_eq!(
        message,
        "This session may not assume Dev in 1111-2222-3333 (dev)."
    );

    let foreign =
        api::check_destination_js(list.clone(), "dev", "https://evil.example/").expect("checked");
    assert_eq!(get(&foreign, "ok"), JsValue::FALSE);
    assert!(stringify(&foreign).contains("unexpected destination"));

    let err = api::check_destination_js(list, "nope", "").expect_err("no such environment");
    assert_eq!(
        error_message(err),
        r#"There is no environment with id "nope"."#
    );
}

#[wasm_bindgen_test]
fn back_environment_and_popup_view() {
    let list = switching_list();
    let back = api::back_environment_js(list.clone(), "dev").expect("back");
    assert!(is_plain_json(&back), "{}", stringify(&back));
    assert_eq!(get(&back, "accountId"), "999988887777");
    assert_eq!(get(&back, "roleName"), "Admin");
    assert_eq!(get(&back, "id"), "dev#base");
    assert!(api::back_environment_js(list.clone(), "gov")
        .expect("no base")
        .is_null());
    let err = api::back_environment_js(list.clone(), "nope").expect_err("no such environment");
    assert_eq!(
        error_message(err),
        r#"There is no environment with id "nope"."#
    );

    // Signed in to the base account and role: dev is reachable; gov (no base) too.
    let in_base = json(
        r#"{"sessionData":"{\"accountId\":\"999988887777\",\"sessionARN\":\"arn:aws:sts::999988887777:assumed-role/Admin/alice\"}"}"#,
    );
    let view = api::PopupList::new(list.clone())
        .expect("list")
        .view(in_base, json(r#"["gov"]"#), json("[]"), default_settings())
        .expect("view");
    assert!(is_plain_json(&view), "{}", stringify(&view));
    assert_eq!(stringify(&get(&view, "preferred")), "[1,0]", "recent first");
    assert_eq!(stringify(&get(&view, "reachable")), "[0,1]");
    assert!(get(&view, "current").is_null());
    assert_eq!(get(&view, "signedIn"), "9999-8888-7777 · Admin");

    // In dev's role: dev is current and back goes to its base.
    let in_dev = json(
        r#"{"sessionData":"{\"accountId\":\"111122223333\",\"sessionARN\":\"arn:aws:sts::111122223333:assumed-role/Dev/alice\"}"}"#,
    );
    let view = api::PopupList::new(list.clone())
        .expect("list")
        .view(
            in_dev,
            JsValue::NULL,
            json("[]"),
            json(r#"{"confirmProduction":true,"reachableOnly":true}"#),
        )
        .expect("view");
    assert!(is_plain_json(&view), "{}", stringify(&view));
    assert_eq!(get(&view, "current"), JsValue::from_f64(0.0));
    assert_eq!(
        stringify(&get(&view, "visible")),
        "[1]",
        "dev is not reachable from dev"
    );
    let back = get(&view, "back");
    assert_eq!(get(&back, "envId"), "dev");
    assert_eq!(get(&back, "switchable"), JsValue::TRUE);

    // Not a console page: everything reachable, nobody signed in.
    let view = api::PopupList::new(list.clone())
        .expect("list")
        .view(
            JsValue::NULL,
            json("[1, null, \"dev\"]"),
            json("[]"),
            default_settings(),
        )
        .expect("view");
    assert!(is_plain_json(&view), "{}", stringify(&view));
    assert_eq!(stringify(&get(&view, "preferred")), "[0,1]");
    assert!(get(&view, "signedIn").is_null());

    let err = api::PopupList::new(list)
        .expect("list")
        .view(
            JsValue::NULL,
            JsValue::NULL,
            json("[]"),
            json(r#"{"reachableOnly":"yes"}"#),
        )
        .expect_err("settings are checked before they reach the view");
    assert!(error_message(err).starts_with("settings:"));
    let err = api::PopupList::new(json(r#"[{"id":1}]"#))
        .err()
        .expect("a malformed list");
    assert!(error_message(err).starts_with("environment list"));
}

#[wasm_bindgen_test]
fn settings_and_recents_are_repaired_not_thrown() {
    for raw in [JsValue::UNDEFINED, JsValue::NULL] {
        let read = api::read_settings_js(raw, JsValue::NULL).expect("defaults");
        assert!(is_plain_json(&read), "{}", stringify(&read));
        let settings = get(&read, "settings");
        assert_eq!(get(&settings, "confirmProduction"), JsValue::TRUE);
        assert_eq!(get(&settings, "reachableOnly"), JsValue::FALSE);
        assert_eq!(get(&get(&settings, "banner"), "position"), "top");
        assert_eq!(stringify(&get(&read, "repairs")), "[]");
    }
    let read = api::read_settings_js(
        json(r#"{"confirmProduction":"no","reachableOnly":true,"x":1}"#),
        JsValue::NULL,
    )
    .expect("repaired");
    assert!(is_plain_json(&read), "{}", stringify(&read));
    let settings = get(&read, "settings");
    assert_eq!(get(&settings, "confirmProduction"), JsValue::TRUE);
    assert_eq!(get(&settings, "reachableOnly"), JsValue::TRUE);
    let repairs = stringify(&get(&read, "repairs"));
    assert!(
        repairs.contains(r#"Setting \"confirmProduction\" was \"no\""#),
        "{repairs}"
    );
    assert!(
        repairs.contains(r#"Unknown setting \"x\" was dropped."#),
        "{repairs}"
    );
    let read = api::read_settings_js(json("[1]"), JsValue::NULL).expect("repaired");
    assert!(stringify(&read).contains("were not an object"));

    let recents = api::touch_recent_js(json(r#"["a","b","c"]"#), "b").expect("recents");
    assert!(is_plain_json(&recents));
    assert_eq!(stringify(&recents), r#"["b","a","c"]"#);
    // Whatever was stored: only strings in an array count.
    for stored in [
        JsValue::UNDEFINED,
        json(r#"{"a":1}"#),
        json(r#"[1,"a",null]"#),
    ] {
        let recents = api::touch_recent_js(stored, "z").expect("recents");
        assert!(is_plain_json(&recents));
        assert!(
            stringify(&recents).starts_with(r#"["z""#),
            "{}",
            stringify(&recents)
        );
    }
    let many: Vec<String> = (0..30).map(|i| format!("\"e{i}\"")).collect();
    let recents =
        api::touch_recent_js(json(&format!("[{}]", many.join(","))), "new").expect("recents");
    assert_eq!(Array::from(&recents).length(), 20, "at most MAX_RECENTS");
}

#[wasm_bindgen_test]
fn stored_lists_merge_as_plain_json() {
    let entry = |id: &str, account: &str| {
        format!(
            r##"{{"id":"{id}","accountId":"{account}","roleName":"R","displayName":"{id}","color":"#b7ca9d"}}"##
        )
    };
    let mut a = api::StoredList::read(json("{}")).expect("empty");
    let mut b = api::StoredList::read(json("{}")).expect("empty");
    a.apply(
        json("[]"),
        json(&format!("[{}]", entry("x", "222222222222"))),
        "a",
        1.0,
    )
    .expect("added on a");
    b.apply(
        json("[]"),
        json(&format!("[{}]", entry("y", "333333333333"))),
        "b",
        1.0,
    )
    .expect("added on b");
    let notes = a.merge(&b).expect("merged");
    assert!(is_plain_json(&notes));
    assert_eq!(Array::from(&notes).length(), 0);
    let view = a.view().expect("view");
    assert_eq!(Array::from(&get(&view, "environments")).length(), 2);
    let err = a
        .apply(json("[]"), json(r#"[{"id":1}]"#), "a", 2.0)
        .expect_err("bad list");
    assert!(error_message(err).starts_with("environment list"));
}

/// `levels` arrays (or objects) nested in one another around `1`.
fn nested(levels: usize, object: bool) -> JsValue {
    let (open, close) = if object {
        (r#"{"a":"#, "}")
    } else {
        ("[", "]")
    };
    json(&(open.repeat(levels) + "1" + &close.repeat(levels)))
}

fn assert_refused_as_too_deep(result: Result<JsValue, wasm_bindgen::JsError>, call: &str) {
    let message = error_message(result.err().unwrap_or_else(|| panic!("{call}: accepted")));
    assert!(
        message.contains("nested more than 64 levels deep"),
        "{call}: {message}"
    );
}

#[wasm_bindgen_test]
fn over_deep_values_are_refused_and_the_core_keeps_working() {
    // 65 levels: refused by the core's own check; 5,000: deeper than the engine
    // can even stringify. Both used to overflow the wasm stack, after which every
    // call failed with "memory access out of bounds".
    for levels in [65, 5000] {
        for object in [false, true] {
            let deep = || nested(levels, object);
            let case = format!("{levels} levels, object: {object}");
            assert_refused_as_too_deep(
                api::read_settings_js(deep(), JsValue::NULL),
                &format!("readSettings, {case}"),
            );
            assert_refused_as_too_deep(
                api::toggle_favorite_js(deep(), "x"),
                &format!("toggleFavorite, {case}"),
            );
            assert_refused_as_too_deep(
                api::StoredList::read(deep()).map(|_| JsValue::NULL),
                &format!("StoredList.read, {case}"),
            );
            assert_refused_as_too_deep(
                api::check_banner_settings_js(deep()),
                &format!("checkBannerSettings, {case}"),
            );
            assert_refused_as_too_deep(
                api::touch_recent_js(deep(), "x"),
                &format!("touchRecent, {case}"),
            );
            assert_eq!(api::version(), env!("CARGO_PKG_VERSION"), "{case}");
        }
    }
    // Still whole: the same calls with ordinary values.
    let read =
        api::read_settings_js(json(r#"{"reachableOnly":true}"#), JsValue::NULL).expect("settings");
    assert_eq!(get(&get(&read, "settings"), "reachableOnly"), JsValue::TRUE);
    let favorites = api::toggle_favorite_js(json(r#"["a"]"#), "b").expect("favorites");
    assert_eq!(stringify(&favorites), r#"["a","b"]"#);
    // At the limit, a value is read (and then judged on its shape).
    let read = api::read_settings_js(nested(64, true), JsValue::NULL).expect("read, with repairs");
    assert!(stringify(&get(&read, "repairs")).contains("Unknown setting"));
}

#[wasm_bindgen_test]
fn every_value_argument_is_checked_for_depth() {
    let deep = || nested(5000, false);
    let list = || {
        json(
            r##"[{"id":"a","accountId":"111111111111","roleName":"R","displayName":"a","color":"#b7ca9d"}]"##,
        )
    };
    let deep_text = || JsValue::from_str(&("[".repeat(5000) + &"]".repeat(5000)));
    let stored = || api::StoredList::read(json("{}")).expect("an empty area");
    let calls: Vec<(&str, Result<JsValue, wasm_bindgen::JsError>)> = vec![
        (
            "validateEnvironment",
            api::validate_environment_js(deep(), "x"),
        ),
        (
            "saveEnvironment list",
            api::save_environment(deep(), json("{}"), "x"),
        ),
        (
            "saveEnvironment input",
            api::save_environment(list(), deep(), "x"),
        ),
        ("deleteEnvironment", api::delete_environment(deep(), "a")),
        ("planSwitch", api::plan_switch_js(deep(), "a")),
        ("planSwitch text", api::plan_switch_js(deep_text(), "a")),
        (
            "planConsoleSwitch",
            api::plan_console_switch_js(list(), "a", deep()),
        ),
        (
            "checkDestination",
            api::check_destination_js(deep(), "a", ""),
        ),
        ("backEnvironment", api::back_environment_js(deep(), "a")),
        ("identify", api::identify_js(deep())),
        ("bannerForPage", api::banner_for_page_js(list(), deep())),
        (
            "bannerLookup list",
            api::banner_lookup_js(deep(), JsValue::NULL),
        ),
        (
            "bannerLookup settings",
            api::banner_lookup_js(list(), deep()),
        ),
        (
            "StoredList.plan quota",
            stored().plan(deep(), json("[]"), 1.0),
        ),
        (
            "StoredList.plan keys",
            stored().plan(JsValue::NULL, deep(), 1.0),
        ),
        (
            "StoredList.apply before",
            stored()
                .apply(deep(), list(), "a", 1.0)
                .map(|_| JsValue::NULL),
        ),
        (
            "StoredList.apply after",
            stored()
                .apply(list(), deep(), "a", 1.0)
                .map(|_| JsValue::NULL),
        ),
        (
            "parseImport format",
            api::parse_import("[]", deep(), JsValue::NULL),
        ),
        (
            "parseImport options",
            api::parse_import("[]", JsValue::NULL, deep()),
        ),
        (
            "planImport",
            api::plan_import_js(list(), deep(), JsValue::from_str("merge")),
        ),
        (
            "planImport mode",
            api::plan_import_js(list(), list(), deep()),
        ),
        ("validateList", api::validate_list(deep())),
        (
            "exportList",
            api::export_list(deep(), JsValue::from_str("ownJson")).map(JsValue::from),
        ),
        (
            "iamPolicy",
            api::iam_policy(list(), deep()).map(JsValue::from),
        ),
        (
            "PopupList",
            api::PopupList::new(deep()).map(|_| JsValue::NULL),
        ),
        (
            "Searcher",
            api::Searcher::new(deep()).map(|_| JsValue::NULL),
        ),
        (
            "view settings",
            api::PopupList::new(list()).expect("list").view(
                JsValue::NULL,
                json("[]"),
                json("[]"),
                deep(),
            ),
        ),
    ];
    for (call, result) in calls {
        assert_refused_as_too_deep(result, call);
    }
    // The popup still opens over unreadable recents and favorites: they count as none.
    let view = api::PopupList::new(list())
        .expect("list")
        .view(JsValue::NULL, deep(), deep(), default_settings())
        .expect("view");
    assert_eq!(stringify(&get(&view, "favorites")), "[]");
    assert_eq!(api::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn imports_over_the_size_cap_are_refused_as_data() {
    let text = "[profile a]\n".repeat(16 * 1024 * 1024 / 12 + 1);
    let out = api::parse_import(&text, JsValue::NULL, JsValue::NULL).expect("no exception");
    assert!(is_plain_json(&out));
    assert_eq!(get(&out, "ok"), JsValue::FALSE);
    let errors = stringify(&get(&out, "errors"));
    assert!(
        errors.contains("It is 16.1 MB, more than the 16 MB an import reads; nothing was read."),
        "{errors}"
    );
    assert_eq!(api::import_too_large_js(16.0 * 1024.0 * 1024.0), None);
    let message = api::import_too_large_js(17.5e6).expect("too large");
    assert!(message.starts_with("It is 16.7 MB"), "{message}");
}

#[wasm_bindgen_test]
fn links_for_identity_center_and_assumed_roles() {
    let list = json(
        r##"[{"id":"sso","accountId":"111122223333","roleName":"Admin","displayName":"acme","color":"#b7ca9d","region":"eu-west-1","portalUrl":"https://acme.awsapps.com/start"},
            {"id":"role","accountId":"444455556666","roleName":"Ops","displayName":"ops","color":"#83d4e8"}]"##,
    );
    let link = api::shortcut_link_js(list.clone(), "sso").expect("a shortcut");
    assert!(
        link.starts_with("https://acme.awsapps.com/start/#/console?account_id=111122223333&role_name=Admin&destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com"),
        "{link}"
    );
    let err = api::shortcut_link_js(list.clone(), "role").expect_err("no shortcut for a role");
    assert!(error_message(err).contains("is an assumed role"));
    let copied = api::copy_link_js(
        list.clone(),
        "sso",
        "https://111122223333-ab12.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1",
    )
    .expect("a link");
    assert!(copied.ends_with("destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Deu-west-1"), "{copied}");
    let switch = api::copy_link_js(list.clone(), "role", "").expect("a link");
    assert!(
        switch.starts_with(
            "https://signin.aws.amazon.com/switchrole?account=444455556666&roleName=Ops"
        ),
        "{switch}"
    );
    let err =
        api::copy_link_js(list, "sso", "https://evil.example/").expect_err("not a console page");
    assert!(error_message(err).contains("is not an AWS console page"));
}

#[wasm_bindgen_test]
fn choose_source_goes_to_an_open_session_or_says_where_to_sign_in() {
    let list = json(
        r##"[{"id":"test","accountId":"111122223333","roleName":"Admin","displayName":"test","color":"#b7ca9d","base":{"accountId":"999988887777"}},
            {"id":"sso","accountId":"111122223333","roleName":"Admin","displayName":"sso","color":"#b7ca9d","portalUrl":"https://acme.awsapps.com/start"}]"##,
    );
    let sessions = json(
        r#"[{"accountId":"999988887777","roleName":"Ops","host":"999988887777-ab.us-east-1.console.aws.amazon.com"},
            {"accountId":"111122223333","roleName":"Admin","host":"111122223333-cd.us-east-1.console.aws.amazon.com"}]"#,
    );
    let open = api::choose_source_js(list.clone(), "test", sessions).expect("a choice");
    assert!(is_plain_json(&open), "{}", stringify(&open));
    assert_eq!(get(&open, "kind"), "alreadyOpen");
    assert_eq!(get(&open, "index"), 1.0);
    assert_eq!(get(&open, "message"), "Session 2 is already there.");
    let portal = api::choose_source_js(list.clone(), "sso", json("[]")).expect("a choice");
    assert_eq!(get(&portal, "kind"), "portal");
    let none = api::choose_source_js(list.clone(), "test", json("[]")).expect("a choice");
    assert_eq!(get(&none, "kind"), "signInTo");
    assert!(
        stringify(&none).contains("sign in to"),
        "{}",
        stringify(&none)
    );
    assert!(api::choose_source_js(list, "test", json(r#"[{"accountId":7}]"#)).is_err());
}

#[wasm_bindgen_test]
fn a_subscription_is_made_refreshed_kept_when_failing_and_merged() {
    let bad = api::check_subscription_url("http://lists.example.com/l.json").expect("data");
    assert_eq!(get(&bad, "ok"), JsValue::FALSE);
    assert!(stringify(&bad).contains("only over https://"));

    let made = api::subscribe(
        "https://Lists.Example.com/team.json",
        None,
        Some("Team".into()),
        JsValue::NULL,
    )
    .expect("subscribed");
    assert_eq!(get(&made, "ok"), JsValue::TRUE);
    assert_eq!(get(&made, "permission"), "https://lists.example.com/*");
    let state = get(&made, "state");
    assert!(is_plain_json(&state), "{}", stringify(&state));

    let schedule = api::refresh_schedule(json(&format!("[{}]", stringify(&state))), None, 1000.0)
        .expect("schedule");
    assert_eq!(
        stringify(&get(&schedule, "due")),
        r#"["https://lists.example.com/team.json"]"#
    );

    let body = br#"{"version": 1, "environments": [
        {"accountId": "111111111111", "displayName": "one"},
        {"accountId": "12345", "displayName": "bad"}]}"#;
    let fetched = json(r#"{"kind": "body", "contentType": "application/json", "etag": "\"v1\""}"#);
    let r = api::apply_refresh_js(state, fetched, body, 1000.0, JsValue::NULL).expect("applied");
    assert!(is_plain_json(&r), "{}", stringify(&r));
    assert_eq!(get(&r, "outcome"), "accepted");
    assert_eq!(Array::from(&get(&get(&r, "changes"), "added")).length(), 1);
    assert!(stringify(&get(&r, "leftOut")).contains("must be 12 digits"));
    let good = get(&r, "state");
    assert_eq!(
        stringify(&api::conditional_headers_js(good.clone()).expect("headers")),
        r#"[{"name":"If-None-Match","value":"\"v1\""}]"#
    );

    let failed = api::apply_refresh_js(
        good,
        json(r#"{"kind": "httpError", "status": 500}"#),
        &[],
        2000.0,
        JsValue::NULL,
    )
    .expect("applied");
    assert_eq!(get(&failed, "outcome"), "keptLastGood");
    let failed_state = get(&failed, "state");
    assert_eq!(get(&get(&failed_state, "status"), "kind"), "stale");

    let overrides = api::set_override_js(JsValue::NULL, json(r#"{"accountId": "111111111111", "roleName": "OrganizationAccountAccessRole", "favorite": true}"#))
        .expect("saved");
    assert_eq!(get(&overrides, "ok"), JsValue::TRUE);
    let view = api::merged_view_js(
        json("[]"),
        json(&format!("[{}]", stringify(&failed_state))),
        get(&overrides, "overrides"),
    )
    .expect("view");
    assert!(is_plain_json(&view));
    let entry = Array::from(&get(&view, "entries")).get(0);
    assert_eq!(get(&entry, "readOnly"), JsValue::TRUE);
    assert_eq!(get(&entry, "favorite"), JsValue::TRUE);
    assert_eq!(get(&get(&entry, "environment"), "group"), "Team");
    assert!(stringify(&get(&view, "stale")).contains("HTTP 500"));

    let err = api::apply_refresh_js(
        json("{}"),
        json(r#"{"kind": "notModified"}"#),
        &[],
        0.0,
        JsValue::NULL,
    )
    .expect_err("not a subscription");
    assert!(error_message(err).starts_with("subscription:"));

    let policy = api::read_managed_policy(json(
        r#"{"subscriptionUrls": ["https://a.example/l"], "bannerAlwaysOn": true, "x": 1}"#,
    ))
    .expect("read");
    assert_eq!(
        get(&get(&policy, "settings"), "bannerLocked"),
        JsValue::TRUE
    );
    assert!(stringify(&get(&policy, "errors")).contains("\\\"x\\\" is not a Roleswitch policy"));
}

#[wasm_bindgen_test]
fn team_list_arguments_are_checked_for_depth() {
    let deep = || nested(5000, false);
    let state = || {
        let made = api::subscribe("https://a.example/l", None, None, JsValue::NULL).expect("made");
        get(&made, "state")
    };
    let calls: Vec<(&str, Result<JsValue, wasm_bindgen::JsError>)> = vec![
        (
            "subscribe",
            api::subscribe("https://a.example/l", None, None, deep()),
        ),
        (
            "applyRefresh state",
            api::apply_refresh_js(deep(), JsValue::NULL, &[], 0.0, JsValue::NULL),
        ),
        (
            "applyRefresh fetched",
            api::apply_refresh_js(state(), deep(), &[], 0.0, JsValue::NULL),
        ),
        (
            "mergedView personal",
            api::merged_view_js(deep(), JsValue::NULL, JsValue::NULL),
        ),
        (
            "mergedView subscriptions",
            api::merged_view_js(json("[]"), deep(), JsValue::NULL),
        ),
        (
            "mergedView overrides",
            api::merged_view_js(json("[]"), JsValue::NULL, deep()),
        ),
        ("setOverride", api::set_override_js(deep(), JsValue::NULL)),
        ("refreshSchedule", api::refresh_schedule(deep(), None, 0.0)),
        ("conditionalHeaders", api::conditional_headers_js(deep())),
        (
            "applyRefresh options",
            api::apply_refresh_js(
                state(),
                json(r#"{"kind": "notModified"}"#),
                &[],
                0.0,
                deep(),
            ),
        ),
        ("readManagedPolicy", api::read_managed_policy(deep())),
    ];
    for (call, result) in calls {
        assert_refused_as_too_deep(result, call);
    }
}

#[wasm_bindgen_test]
fn settings_are_one_item_changed_by_the_core() {
    let read = api::read_settings_js(
        json(r#"{"reachableOnly":true}"#),
        json(r#"{"position":"bottom"}"#),
    )
    .expect("read");
    let settings = get(&read, "settings");
    assert_eq!(get(&get(&settings, "banner"), "position"), "bottom");
    let changed = api::change_settings_js(settings.clone(), json(r#"{"banner":{"compact":true}}"#))
        .expect("changed");
    assert_eq!(get(&changed, "reachableOnly"), JsValue::TRUE);
    assert_eq!(get(&get(&changed, "banner"), "compact"), JsValue::TRUE);
    assert_eq!(get(&get(&changed, "banner"), "position"), "bottom");
    let refused = api::change_settings_js(settings, json(r#"{"confirmProduction":"no"}"#))
        .expect_err("refused");
    assert!(error_message(refused).contains("nothing was saved"));
}
